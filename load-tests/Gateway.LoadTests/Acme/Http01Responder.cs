using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.LoadTests.Acme;

/// <summary>
/// The http-01 side of the ACME scenario (RFC 8555 §8.3): a bare Kestrel server (no host, no DI, no middleware, no
/// logging) that answers <c>GET /.well-known/acme-challenge/&lt;token&gt;</c> with the key authorization registered for
/// that token, 404 for any other path or token. The gateway's validator connects to it once per challenge.
/// </summary>
internal sealed class Http01Responder : IAsyncDisposable
{
    private const string Prefix = "/.well-known/acme-challenge/";
    private readonly ConcurrentDictionary<string, byte[]> _keyAuthorizations = new(StringComparer.Ordinal);
    private readonly KestrelServer _server;
    private long _answered;
    private long _unknown;

    private Http01Responder(KestrelServer server) => _server = server;

    public IPEndPoint EndPoint { get; private init; } = null!;

    /// <summary>Requests answered with a key authorization.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Requests for a path or token not registered (answered 404).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public int Registered => _keyAuthorizations.Count;

    public static async Task<Http01Responder> StartAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Listen(endPoint);
        var logging = NullLoggerFactory.Instance;
        var server = new KestrelServer(Options.Create(options), new SocketTransportFactory(Options.Create(new SocketTransportOptions()), logging), logging);
        var responder = new Http01Responder(server) { EndPoint = endPoint };
        await server.StartAsync(new Application(responder), ct);
        return responder;
    }

    public void Register(string token, string keyAuthorization) => _keyAuthorizations[token] = Encoding.ASCII.GetBytes(keyAuthorization);

    public void Remove(string token) => _keyAuthorizations.TryRemove(token, out _);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _server.StopAsync(stop.Token);
        _server.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if ((HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            && path.StartsWith(Prefix, StringComparison.Ordinal)
            && _keyAuthorizations.TryGetValue(path[Prefix.Length..], out var body))
        {
            Interlocked.Increment(ref _answered);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = body.Length;
            if (HttpMethods.IsGet(http.Request.Method)) await http.Response.Body.WriteAsync(body);
            return;
        }
        Interlocked.Increment(ref _unknown);
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.ContentLength = 0;
    }

    private sealed class Application(Http01Responder responder) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => responder.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
