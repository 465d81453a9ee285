namespace Gateway.Cluster;

/// <summary>
/// Something every node of a cluster must hold identically (the root CA, an issuing CA), named and identified by a fingerprint.
/// </summary>
/// <param name="Name">Stable name, e.g. <c>ca.root</c>, <c>ca.issuer.default</c>.</param>
/// <param name="Fingerprint">What is compared, e.g. the certificate's SHA-256 in hex.</param>
/// <param name="Description">For messages: what it is (subject, fingerprint, where it came from).</param>
/// <param name="ValidUntil">When it stops being usable; past this instant another node may replace the registration.</param>
public sealed record SharedMaterial(string Name, string Fingerprint, string Description, DateTimeOffset? ValidUntil);
