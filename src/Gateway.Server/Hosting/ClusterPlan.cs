using System.Net;

namespace Gateway.Server.Hosting;

/// <summary>The resolved, validated Orleans cluster settings of this node.</summary>
internal sealed record ClusterPlan(string Mode, IPAddress AdvertisedAddress, int SiloPort, int GatewayPort, string ClusterId, string ServiceId)
{
    public bool IsPostgres => Mode == GatewayClusterOptions.PostgresMode;

    /// <summary>How this node names itself in shared registrations and logs.</summary>
    public string NodeName => $"{Environment.MachineName} {AdvertisedAddress}:{SiloPort} (pid {Environment.ProcessId})";
}
