using Gateway.Server.Hosting;

try
{
    var app = await GatewayApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (GatewayStartupException ex)
{
    Console.Error.WriteLine($"Gateway failed to start: {ex.Message}");
    return 1;
}

/// <summary>Entry point; public so integration tests can host it.</summary>
public partial class Program;
