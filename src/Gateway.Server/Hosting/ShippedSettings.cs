using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Gateway.Server.Hosting;

/// <summary>
/// The appsettings.json shipped next to the binaries (log levels: ASP.NET Core, Orleans, Polly and Marten at Warning)
/// applies wherever the gateway is started from. ASP.NET Core reads appsettings.json from the content root, which is
/// the working directory: started from the repository root (<c>dotnet run --project src/Gateway.Server</c>, the
/// interop tests, the load tests) it found none, and every request wrote six Information lines to the console
/// (request start/finish, endpoint, Orleans placement's Polly telemetry), a tenth of the CPU of an enrollment.
/// It is added with the lowest precedence, so a content-root appsettings.json, environment variables and the command
/// line still override it.
/// </summary>
internal static class ShippedSettings
{
    public const string FileName = "appsettings.json";

    public static void AddDefaults(IConfigurationBuilder configuration, string contentRoot)
    {
        var shippedDir = AppContext.BaseDirectory;
        if (!File.Exists(Path.Combine(shippedDir, FileName))) return;
        if (File.Exists(Path.Combine(contentRoot, FileName))
            && string.Equals(Path.GetFullPath(contentRoot).TrimEnd('/'), Path.GetFullPath(shippedDir).TrimEnd('/'), StringComparison.Ordinal))
        {
            return; // already read from the content root
        }
        configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(shippedDir),
        });
    }
}
