using System.Net;
using Gateway.Ca;

namespace Gateway.Server.Hosting;

/// <summary>
/// Every issued certificate carries CRL, OCSP and CA-issuer URLs under <c>Gateway:PublicBaseUrl</c>; unset, they point at
/// the first address this node listens on, which on a single loopback development node is right and anywhere else is
/// wrong (a container's <c>localhost</c>, or one node of several). So in cluster mode, or when any HTTP listener is not
/// loopback, the start stops unless the option is an absolute http(s) URL whose host is not loopback.
/// </summary>
internal static class PublicBaseUrlRequirement
{
    private const string Key = CaOptions.PublicBaseUrlKey;

    /// <summary>Stops the start (with the option named) when the public base URL is required and missing or loopback.</summary>
    public static void Check(ClusterPlan cluster, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(configuration);
        var why = cluster.IsPostgres
            ? $"{GatewayClusterOptions.Section}:Mode is {GatewayClusterOptions.PostgresMode}"
            : NonLoopbackListener(configuration) is { } listener ? $"the server listens on {listener}" : null;
        if (why is null)
        {
            return;
        }

        var value = configuration[Key]?.Trim();
        var advice = $"set {Key} to the absolute http(s) URL devices and relying parties reach this gateway at " +
            "(e.g. http://pki.example.com), which issued certificates carry in their CRL, OCSP and CA-issuer URLs";
        if (string.IsNullOrEmpty(value))
        {
            throw new GatewayStartupException($"{Key} is required because {why}: {advice}.");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new GatewayStartupException($"{Key} '{value}' is not an absolute http:// or https:// URL; {advice}.");
        }

        if (IsLoopbackHost(uri.Host))
        {
            throw new GatewayStartupException(
                $"{Key} '{value}' names a loopback host, which no other machine reaches, but {why}; {advice}.");
        }
    }

    /// <summary>The first configured HTTP listener (urls, Kestrel endpoints, http(s)_ports) that is not loopback, or null.</summary>
    public static string? NonLoopbackListener(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>())
            .ToList();
        if (urls.Count == 0)
        {
            // ASP.NET Core's HTTP_PORTS / HTTPS_PORTS bind every interface; with neither it listens on localhost:5000.
            foreach (var key in new[] { "http_ports", "https_ports" })
            {
                if (!string.IsNullOrWhiteSpace(configuration[key]))
                {
                    return $"{key} {configuration[key]} (every interface)";
                }
            }

            return null;
        }

        return urls.FirstOrDefault(url => !IsLoopbackHost(HostOf(url)));
    }

    /// <summary>The host of a listener URL as Kestrel reads it (<c>*</c> and <c>+</c> are wildcards, not URI hosts).</summary>
    private static string HostOf(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        if (pathStart >= 0)
        {
            rest = rest[..pathStart];
        }

        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[1..close] : rest;
        }

        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    private static bool IsLoopbackHost(string host)
    {
        var trimmed = host.Trim('[', ']');
        return string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase)
            || trimmed.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(trimmed, out var ip) && IPAddress.IsLoopback(ip));
    }
}
