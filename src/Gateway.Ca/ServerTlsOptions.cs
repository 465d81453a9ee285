namespace Gateway.Ca;

/// <summary><c>Gateway:Ca:ServerTls</c>: the gateway's own TLS server certificate, issued by the CA.</summary>
public sealed class ServerTlsOptions
{
    internal static readonly IReadOnlyList<string> DefaultHostNames = ["localhost", "127.0.0.1"];

    /// <summary>DNS names and IP addresses to put in the certificate. Empty: <c>localhost</c>, <c>127.0.0.1</c>.</summary>
    /// <remarks>No initialiser on purpose: the configuration binder appends to a pre-filled list.</remarks>
    public List<string> HostNames { get; set; } = [];

    /// <summary>Lifetime of the server certificate in days (1–825); renewed when less than a third is left.</summary>
    public int LifetimeDays { get; set; } = 90;

    internal IReadOnlyList<string> EffectiveHostNames => HostNames.Count == 0 ? DefaultHostNames : HostNames;
}
