using System.Collections.Concurrent;
using System.Net;
using Gateway.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Admin;

/// <summary>The admin API's services (no server, no silo) over in-memory settings, with every log message kept.</summary>
internal sealed class AdminHost : IDisposable
{
    public const string Key = "unit-admin-key-0123456789";

    public AdminHost(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Gateway:Admin:BootstrapApiKey"] = Key }.Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddGatewayAdmin(configuration);
        Services = services.BuildServiceProvider();
    }

    private readonly List<IServiceScope> _scopes = [];

    public ServiceProvider Services { get; }

    public LogCapture Logs { get; } = new();

    public HttpContext Request(string path, string remote, bool https = false, string? authorization = null)
    {
        // One scope per request, as the server makes: authentication handlers are per scope.
        var scope = Services.CreateScope();
        _scopes.Add(scope);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Host = new HostString("gateway.test");
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    public void Dispose()
    {
        foreach (var scope in _scopes) scope.Dispose();
        Services.Dispose();
    }

    internal sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Entries.Enqueue((logLevel, category, formatter(state, exception)));
        }
    }
}
