using System.Net;
using Gateway.Admin.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Metrics;

/// <summary>
/// Who may scrape <c>/metrics</c> (it shows profile names and enrollment rates): a loopback client (unless
/// <c>Gateway:Metrics:AllowLoopback</c> is false), a client in
/// <c>Gateway:Metrics:AllowedNetworks</c>, or a caller with an admin API key of role admin or auditor.
/// </summary>
internal sealed class MetricsAccess
{
    public const string PolicyName = "metrics-scrape";

    private readonly IPNetwork[] _networks;
    private readonly bool _allowLoopback;

    public MetricsAccess(IOptions<MetricsOptions> options)
    {
        _allowLoopback = options.Value.AllowLoopback;
        _networks = options.Value.AllowedNetworks
            .Select(n => TryParseNetwork(n, out var network) ? network : throw new OptionsValidationException(
                MetricsOptions.Section, typeof(MetricsOptions), [$"{MetricsOptions.Section}:AllowedNetworks: '{n}' is not an IP address or a CIDR network."]))
            .ToArray();
    }

    public bool IsAllowed(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true && (http.User.IsInRole(AdminRoles.Admin) || http.User.IsInRole(AdminRoles.Auditor)))
        {
            return true;
        }
        return IsAllowedAddress(http.Connection.RemoteIpAddress);
    }

    /// <summary>Loopback (when allowed), or inside one of the configured networks (IPv4-mapped IPv6 addresses are compared as IPv4).</summary>
    public bool IsAllowedAddress(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_allowLoopback && IPAddress.IsLoopback(address)) return true;
        foreach (var network in _networks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    /// <summary>A CIDR network, or a single address (as /32 or /128).</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            // The address must be the network's own (10.0.0.0/24, not 10.0.0.1/24): a typo is refused, not widened.
            return IPNetwork.TryParse(text, out network) && IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var start)
                && start.Equals(network.BaseAddress);
        }
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
