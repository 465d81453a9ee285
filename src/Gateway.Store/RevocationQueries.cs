using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>Read side for CRLs and OCSP: revoked certificates per issuer, one certificate's status, the last CRL published.</summary>
public sealed class RevocationQueries(IDocumentStore store)
{
    /// <summary>Stored statuses that put a certificate on the CRL.</summary>
    private static readonly string[] OnCrl = ["Revoked", "OnHold"];

    /// <summary>The stream of issuer <paramref name="issuerId"/>'s <c>CrlPublished</c> events.</summary>
    public static string CrlStreamId(string issuerId) => "crl:" + issuerId;

    /// <summary>
    /// Certificates of <paramref name="issuerId"/> revoked or on hold and not yet expired at <paramref name="now"/>
    /// (RFC 5280 §3.3: an entry may leave the CRL once the certificate has expired), in serial order.
    /// </summary>
    /// <param name="isDefaultIssuer">Also count certificates recorded with an empty issuer id (the default issuer).</param>
    public async Task<IReadOnlyList<RevokedCertificate>> GetRevokedAsync(string issuerId, bool isDefaultIssuer, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var statuses = OnCrl;
        var rows = await session.Query<CertificateRecord>()
            .Where(x => statuses.Contains(x.Status) && x.NotAfter > now && (x.IssuerId == issuerId || (isDefaultIssuer && x.IssuerId == "")))
            .NotValid()
            .OrderBy(x => x.Serial)
            .Select(x => new RevokedCertificate { Serial = x.Serial, RevokedAt = x.RevokedAt, Reason = x.RevocationReason, InvalidityDate = x.InvalidityDate })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows;
    }

    /// <summary>The certificate's issuer and revocation state, or null when no certificate has this serial (lowercase hex).</summary>
    public async Task<CertificateStatusRow?> GetStatusAsync(string serial, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<CertificateRecord>()
            .Where(x => x.Id == serial)
            .Select(x => new CertificateStatusRow
            {
                Serial = x.Serial, IssuerId = x.IssuerId, Status = x.Status, NotAfter = x.NotAfter, RevokedAt = x.RevokedAt, Reason = x.RevocationReason,
            })
            .FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The last CRL published for <paramref name="issuerId"/>, or null before the first.</summary>
    public async Task<CrlRecord?> GetLastCrlAsync(string issuerId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<CrlRecord>(CrlStreamId(issuerId), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps <paramref name="crl"/> as the issuer's last published CRL (after its <c>CrlPublished</c> event committed),
    /// unless a CRL with a higher number is already kept (another activation published since).
    /// </summary>
    public async Task SavePublishedCrlAsync(PublishedCrlDocument crl, CancellationToken ct = default)
    {
        crl.Id = CrlStreamId(crl.IssuerId);
        await using var session = store.LightweightSession();
        var kept = await session.LoadAsync<PublishedCrlDocument>(crl.Id, ct).ConfigureAwait(false);
        if (kept is not null && kept.Number >= crl.Number) return;
        session.Store(crl);
        await session.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The last CRL published for <paramref name="issuerId"/> with its DER, or null before the first.</summary>
    public async Task<PublishedCrlDocument?> GetPublishedCrlAsync(string issuerId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<PublishedCrlDocument>(CrlStreamId(issuerId), ct).ConfigureAwait(false);
    }
}
