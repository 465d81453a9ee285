namespace Gateway.Protocols.Est;

/// <summary>Section <c>Gateway:Est</c>.</summary>
public sealed class EstOptions
{
    public const string Section = "Gateway:Est";

    /// <summary>The profile of the unlabelled path <c>/.well-known/est/</c>.</summary>
    public string DefaultProfile { get; set; } = "iot-device";

    /// <summary>Label → profile. A label that is not listed selects the profile of the same name.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// PEM files of CA certificates that vouch for devices' manufacturer (IDevID) certificates, for every EST profile.
    /// Certificates issued by the gateway itself are always accepted (for re-enrollment).
    /// </summary>
    public List<string> TrustAnchors { get; set; } = [];

    /// <summary>Per-profile anchors in addition to <see cref="TrustAnchors"/>: profile → PEM files.</summary>
    public Dictionary<string, List<string>> ProfileTrustAnchors { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest accepted request body.</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long after issuance an identical request (same operation, client and CSR bytes) is answered with the
    /// certificate already issued instead of starting a new enrollment: a client that lost the answer, or that polls
    /// after a 202 and manual approval, gets its certificate without a second one being signed. After the window the
    /// same bytes are a new enrollment (a device whose deterministic CSR, e.g. RSA PKCS#1 v1.5, repeats a year later
    /// renews). Zero: only pending enrollments are continued. See <see cref="EstReplay"/>.
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(1);
}
