using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Gateway.Server.Hosting;

/// <summary>Turns <see cref="GatewayClusterOptions"/> into a <see cref="ClusterPlan"/>, or stops the start with the option named.</summary>
internal static partial class ClusterSetup
{
    private const string Prefix = GatewayClusterOptions.Section + ":";

    /// <summary>Binds <c>Gateway:Cluster</c>; a value of the wrong type (a port that is no number, <c>Tls=maybe</c>) stops the start naming it.</summary>
    public static GatewayClusterOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetSection(GatewayClusterOptions.Section).Get<GatewayClusterOptions>() ?? new GatewayClusterOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new GatewayStartupException(ex.Message, ex);
        }
    }

    /// <param name="options">The bound section.</param>
    /// <param name="connectionString">ConnectionStrings:Gateway, or null/empty when the embedded PostgreSQL will be used.</param>
    /// <param name="resolveHost">Host name resolution (tests substitute it).</param>
    /// <param name="machineAddress">This machine's address for other nodes (tests substitute it).</param>
    public static ClusterPlan Resolve(
        GatewayClusterOptions options, string? connectionString,
        Func<string, IPAddress[]>? resolveHost = null, Func<IPAddress?>? machineAddress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var embedded = string.IsNullOrWhiteSpace(connectionString);
        var mode = string.IsNullOrWhiteSpace(options.Mode)
            ? (embedded ? GatewayClusterOptions.LocalhostMode : GatewayClusterOptions.PostgresMode)
            : options.Mode.Trim().ToLowerInvariant();
        if (mode is not (GatewayClusterOptions.LocalhostMode or GatewayClusterOptions.PostgresMode))
        {
            throw new GatewayStartupException(
                $"{Prefix}Mode '{options.Mode}' is not supported (supported: {GatewayClusterOptions.LocalhostMode}, {GatewayClusterOptions.PostgresMode}).");
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            throw new GatewayStartupException($"{Prefix}SiloPort {options.SiloPort} is not a port (1-65535).");
        }

        if (options.GatewayPort is < 0 or > 65535)
        {
            throw new GatewayStartupException($"{Prefix}GatewayPort {options.GatewayPort} is not a port (1-65535, or 0 to disable the Orleans client gateway).");
        }

        if (options.GatewayPort != 0 && options.GatewayPort == options.SiloPort)
        {
            throw new GatewayStartupException($"{Prefix}GatewayPort and {Prefix}SiloPort are both {options.SiloPort}; they need different ports.");
        }

        var clusterId = RequireId(options.ClusterId, "ClusterId");
        var serviceId = RequireId(options.ServiceId, "ServiceId");

        IPAddress advertised;
        if (mode == GatewayClusterOptions.LocalhostMode)
        {
            if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress))
            {
                throw new GatewayStartupException(
                    $"{Prefix}AdvertisedAddress is set but {Prefix}Mode is {GatewayClusterOptions.LocalhostMode} (a single silo on loopback); " +
                    $"set {Prefix}Mode={GatewayClusterOptions.PostgresMode} to form a cluster, or remove the address.");
            }

            advertised = IPAddress.Loopback;
        }
        else if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress))
        {
            advertised = ResolveConfigured(options.AdvertisedAddress.Trim(), resolveHost ?? Dns.GetHostAddresses);
        }
        else if (embedded || IsLocalDatabase(connectionString!))
        {
            advertised = IPAddress.Loopback;
        }
        else
        {
            advertised = (machineAddress ?? MachineAddress)() ?? throw new GatewayStartupException(
                $"No network address to advertise to other cluster nodes was found (no up, non-loopback IPv4 interface); set {Prefix}AdvertisedAddress.");
        }

        var listen = ResolveListenAddress(options.ListenAddress, mode, advertised);
        var tls = options.Tls ?? mode == GatewayClusterOptions.PostgresMode;
        return new ClusterPlan(mode, advertised, options.SiloPort, options.GatewayPort, clusterId, serviceId, listen, tls);
    }

    /// <summary>An IP literal; loopback only in localhost mode; unset: loopback (localhost mode) or the advertised address.</summary>
    private static IPAddress ResolveListenAddress(string? value, string mode, IPAddress advertised)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return mode == GatewayClusterOptions.LocalhostMode ? IPAddress.Loopback : advertised;
        }

        if (!IPAddress.TryParse(value.Trim(), out var address))
        {
            throw new GatewayStartupException(
                $"{Prefix}ListenAddress '{value}' is not an IP address (e.g. 0.0.0.0 for every interface, or one interface's address).");
        }

        if (mode == GatewayClusterOptions.LocalhostMode && !IPAddress.IsLoopback(address))
        {
            throw new GatewayStartupException(
                $"{Prefix}ListenAddress '{value}' is not a loopback address but {Prefix}Mode is {GatewayClusterOptions.LocalhostMode} " +
                $"(a single silo on loopback); set {Prefix}Mode={GatewayClusterOptions.PostgresMode} to form a cluster, or remove the address.");
        }

        return address;
    }

    /// <summary>The database host is this machine: a loopback address, <c>localhost</c>, or a Unix socket directory.</summary>
    public static bool IsLocalDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new GatewayStartupException($"ConnectionStrings:Gateway is not a valid PostgreSQL connection string: {ex.Message}", ex);
        }

        var hosts = (builder.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return hosts.Length > 0 && hosts.All(h =>
        {
            var host = HostPart(h);
            return host.StartsWith('/')
                || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        });
    }

    /// <summary>The host of one Npgsql host entry: <c>host</c>, <c>host:port</c>, <c>[v6]:port</c>, a bare IPv6 address, or a socket directory.</summary>
    private static string HostPart(string entry)
    {
        if (entry.StartsWith('/') || IPAddress.TryParse(entry, out _))
        {
            return entry;
        }

        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? entry[1..close] : entry;
        }

        var colon = entry.LastIndexOf(':');
        return colon > 0 ? entry[..colon] : entry;
    }

    private static string RequireId(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || !IdPattern().IsMatch(value))
        {
            throw new GatewayStartupException(
                $"{Prefix}{name} '{value}' must be 1-150 characters of letters, digits, '.', '_' or '-'.");
        }

        return value;
    }

    private static IPAddress ResolveConfigured(string value, Func<string, IPAddress[]> resolveHost)
    {
        if (IPAddress.TryParse(value, out var literal))
        {
            if (literal.Equals(IPAddress.Any) || literal.Equals(IPAddress.IPv6Any))
            {
                throw new GatewayStartupException(
                    $"{Prefix}AdvertisedAddress '{value}' is the wildcard address; other nodes need an address they can connect to.");
            }

            return literal;
        }

        IPAddress[] addresses;
        try
        {
            addresses = resolveHost(value);
        }
        catch (SocketException ex)
        {
            throw new GatewayStartupException($"{Prefix}AdvertisedAddress '{value}' is neither an IP address nor a resolvable host name: {ex.Message}", ex);
        }

        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new GatewayStartupException($"{Prefix}AdvertisedAddress '{value}' resolves to no address.");
    }

    private static IPAddress? MachineAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,150}$")]
    private static partial Regex IdPattern();
}
