using Gateway.Contracts.Inventory;

namespace Gateway.Contracts.Grains;

/// <summary>Read side of enrollments, issued and rejected alike (a stateless worker; key 0).</summary>
[Alias("Gateway.IEnrollmentInventoryGrain")]
public interface IEnrollmentInventoryGrain : IGrainWithIntegerKey
{
    [Alias("QueryEnrollmentsAsync")]
    Task<EnrollmentPage> QueryEnrollmentsAsync(EnrollmentQuery query);

    /// <summary>One enrollment with its CSR and certificate; null when unknown.</summary>
    [Alias("GetEnrollmentAsync")]
    Task<EnrollmentInfo?> GetEnrollmentAsync(string enrollmentId);
}
