using System.Net;
using System.Text.Json;
using Gateway.Protocols.Scep;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>A challenge-validation service on a loopback port, started by a test, and the webhook client pointed at it.</summary>
internal sealed class TestWebhooks : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWebhooks(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static ScepChallengeWebhook None { get; } = Client(new ScepOptions());

    public string Url { get; }

    public List<JsonElement> Requests { get; } = [];

    /// <summary>What the service answers: status and JSON body for a request.</summary>
    public Func<JsonElement, (int Status, string Body)> Answer { get; set; } = _ => (200, """{"allow": true}""");

    public TimeSpan Delay { get; set; }

    public static async Task<TestWebhooks> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestWebhooks? hooks = null;
        app.MapPost("/validate", async (HttpContext http) =>
        {
            var request = await JsonDocument.ParseAsync(http.Request.Body);
            hooks!.Requests.Add(request.RootElement.Clone());
            if (hooks.Delay > TimeSpan.Zero) await Task.Delay(hooks.Delay);
            var (status, body) = hooks.Answer(request.RootElement);
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hooks = new TestWebhooks(app, address + "/validate");
        return hooks;
    }

    public static ScepChallengeWebhook Client(ScepOptions options)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ScepChallengeWebhook.HttpClientName);
        var provider = services.BuildServiceProvider();
        return new ScepChallengeWebhook(provider.GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<ScepChallengeWebhook>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
