using Gateway.Contracts.Inventory;

namespace Gateway.Contracts.Grains;

/// <summary>Read side of the certificate inventory (a stateless worker; key 0).</summary>
[Alias("Gateway.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithIntegerKey
{
    [Alias("QueryCertificatesAsync")]
    Task<CertificatePage> QueryCertificatesAsync(CertificateQuery query);

    [Alias("GetCertificateAsync")]
    Task<CertificateInfo?> GetCertificateAsync(string serial);

    /// <summary>The certificate's events and those of the enrollment that produced it, oldest first; null when unknown.</summary>
    [Alias("GetHistoryAsync")]
    Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync(string serial);

    /// <summary>The dashboard for the <paramref name="window"/> ending now, in hour buckets or day buckets; at most <paramref name="rejections"/> recent rejections.</summary>
    [Alias("GetDashboardAsync")]
    Task<Dashboard> GetDashboardAsync(TimeSpan window, bool hourly, int rejections);
}
