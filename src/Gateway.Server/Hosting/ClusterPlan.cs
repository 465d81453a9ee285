using System.Net;

namespace Gateway.Server.Hosting;

/// <summary>The resolved, validated Orleans cluster settings of this node.</summary>
internal sealed record ClusterPlan(
    string Mode, IPAddress AdvertisedAddress, int SiloPort, int GatewayPort, string ClusterId, string ServiceId, IPAddress ListenAddress, bool Tls)
{
    /// <summary>Whether an Orleans client gateway endpoint is opened (<see cref="GatewayPort"/> is not 0).</summary>
    public bool HasClientGateway => GatewayPort != 0;

    public bool IsPostgres => Mode == GatewayClusterOptions.PostgresMode;

    /// <summary>How this node names itself in shared registrations and logs.</summary>
    public string NodeName => $"{Environment.MachineName} {AdvertisedAddress}:{SiloPort} (pid {Environment.ProcessId})";
}
