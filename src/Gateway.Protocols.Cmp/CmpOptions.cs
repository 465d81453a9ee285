namespace Gateway.Protocols.Cmp;

/// <summary>The CMP front-end (<c>Gateway:Cmp</c>).</summary>
public sealed class CmpOptions
{
    public const string Section = "Gateway:Cmp";

    /// <summary>The profile of <c>/.well-known/cmp</c>; <c>/.well-known/cmp/p/&lt;label&gt;</c> names its profile.</summary>
    public string DefaultProfile { get; set; } = "network-element";

    /// <summary>Largest PKIMessage accepted (bytes).</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>How far a request's messageTime may be from the gateway's clock (RFC 9483 §3.5: badTime beyond it).</summary>
    public TimeSpan MessageTimeTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most iterations a password-based MAC (PBM iterationCount, PBMAC1's PBKDF2 iterationCount) may ask for: each
    /// costs the gateway a hash before it knows who is asking. Above it the request is refused (badAlg).
    /// </summary>
    public int MaxMacIterations { get; set; } = 100_000;

    /// <summary>Whether implicit confirmation is granted when a client asks for it (per profile in <see cref="ProfileImplicitConfirm"/>).</summary>
    public bool ImplicitConfirm { get; set; } = true;

    /// <summary>Per-profile override of <see cref="ImplicitConfirm"/>: profile → allowed.</summary>
    public Dictionary<string, bool> ProfileImplicitConfirm { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// PEM files of CAs whose certificates may sign ir/cr/p10cr for any CMP profile (a manufacturer's device
    /// certificates, another PKI's); the enrollment then authenticates as <c>manufacturer-certificate</c>.
    /// </summary>
    public List<string> TrustAnchors { get; set; } = [];

    /// <summary>Per-profile anchors in addition to <see cref="TrustAnchors"/>: profile → PEM files.</summary>
    public Dictionary<string, List<string>> ProfileTrustAnchors { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Lifetime of the CMP responder's protection certificate (renewed before it ends).</summary>
    public TimeSpan ResponderCertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    public bool ImplicitConfirmAllowed(string profile) =>
        ProfileImplicitConfirm.TryGetValue(profile, out var allowed) ? allowed : ImplicitConfirm;
}
