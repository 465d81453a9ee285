namespace Gateway.Store.Records;

/// <summary>
/// The last CRL published for an issuer, DER and all (document id <c>crl:&lt;issuer id&gt;</c>), kept so that a node that
/// cannot sign or commit a new CRL (after a restart too) still serves the last one while it is valid. One row per
/// issuer, overwritten; the CRL's history stays in the <c>CrlPublished</c> events.
/// </summary>
public sealed class PublishedCrlDocument
{
    public string Id { get; set; } = "";
    public string IssuerId { get; set; } = "";
    public long Number { get; set; }
    public DateTimeOffset ThisUpdate { get; set; }
    public DateTimeOffset NextUpdate { get; set; }
    public int Entries { get; set; }
    public byte[] Der { get; set; } = [];
}
