using Gateway.Ca;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Server.Hosting;

/// <summary>
/// The default of <c>Gateway:PublicBaseUrl</c>: the first <c>http://</c> address the server listens on (once it
/// listens; before, the first <c>http://</c> URL of the <c>urls</c> setting with a fixed port). Wildcard hosts
/// (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) become <c>localhost</c>, with a warning: set the option in production.
/// </summary>
internal sealed class ListeningAddressBaseUrl(IServiceProvider services, IConfiguration configuration, ILogger<ListeningAddressBaseUrl> logger)
    : IPublicBaseUrlSource
{
    private volatile string? _listening;
    private int _warned;

    public string? GetPublicBaseUrl()
    {
        if (_listening is { } known) return known;

        string? fromServer = null;
        try
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            fromServer = addresses?.Select(Normalise).FirstOrDefault(a => a is not null);
        }
        catch (InvalidOperationException)
        {
            // The server is being built: fall back to the configured URLs.
        }

        if (fromServer is not null)
        {
            _listening = fromServer;
            return fromServer;
        }

        return (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalise)
            .FirstOrDefault(a => a is not null);
    }

    private string? Normalise(string address)
    {
        if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) return null;
        var text = address.TrimEnd('/');
        var hostStart = "http://".Length;
        var portColon = text.LastIndexOf(':');
        if (portColon < hostStart || text.EndsWith(']')) return null; // no port
        var host = text[hostStart..portColon];
        if (!int.TryParse(text[(portColon + 1)..], out var port) || port is <= 0 or > 65535) return null; // port 0: not bound yet
        if (host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                logger.LogWarning(
                    "The server listens on {Address}: certificates will point to http://localhost:{Port} for CRLs and OCSP. Set Gateway:PublicBaseUrl.",
                    address, port);
            }

            host = "localhost";
        }

        return $"http://{host}:{port}";
    }
}
