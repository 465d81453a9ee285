using Gateway.Store.Records;
using Marten.Linq.MatchesSql;

namespace Gateway.Store;

/// <summary>
/// The status indexes of the enrollment and certificate tables are partial: nearly every enrollment is Issued and
/// nearly every certificate Valid, the queries that filter on status ask for the rare ones (pending, rejected, awaiting
/// confirmation; revoked, on hold), and an insert of the common status adds no index entry.
/// <para>
/// PostgreSQL uses a partial index only when it can prove the query implies the index's predicate. Marten sends status
/// values as parameters (<c>d.status = $1</c>, <c>d.status = ANY($1)</c>), and the store's connections prepare repeated
/// statements: a generic plan, which PostgreSQL may choose after five executions of a prepared statement, knows nothing
/// of <c>$1</c> and would scan the table. So the queries for rare statuses also carry the predicate itself, as SQL
/// text (<see cref="NotIssued"/>, <see cref="NotValid"/>): every plan, generic or not, can use the index.
/// </para>
/// </summary>
public static class StatusIndex
{
    /// <summary>The enrollment status nearly every row holds, left out of the enrollment table's status index.</summary>
    public const string CommonEnrollmentStatus = "Issued";

    /// <summary>The certificate status nearly every row holds, left out of the certificate table's status index.</summary>
    public const string CommonCertificateStatus = "Valid";

    /// <summary>The predicate of <c>mt_doc_enrollmentrecord_idx_status</c>.</summary>
    public const string EnrollmentPredicate = "status <> '" + CommonEnrollmentStatus + "'";

    /// <summary>The predicate of <c>mt_doc_certificaterecord_idx_status</c>.</summary>
    public const string CertificatePredicate = "status <> '" + CommonCertificateStatus + "'";

    /// <summary>
    /// Enrollments with one of <paramref name="statuses"/>; when Issued is not among them, with the index's predicate
    /// in the SQL.
    /// </summary>
    public static IQueryable<EnrollmentRecord> WithStatus(this IQueryable<EnrollmentRecord> query, string[] statuses)
    {
        query = query.Where(x => statuses.Contains(x.Status));
        return statuses.Contains(CommonEnrollmentStatus) ? query : query.NotIssued();
    }

    /// <summary>
    /// Certificates with one of <paramref name="statuses"/>; when Valid is not among them, with the index's predicate
    /// in the SQL.
    /// </summary>
    public static IQueryable<CertificateRecord> WithStatus(this IQueryable<CertificateRecord> query, string[] statuses)
    {
        query = query.Where(x => statuses.Contains(x.Status));
        return statuses.Contains(CommonCertificateStatus) ? query : query.NotValid();
    }

    /// <summary>The predicate of the enrollment table's status index, as SQL text (a literal, not a parameter).</summary>
    public static IQueryable<EnrollmentRecord> NotIssued(this IQueryable<EnrollmentRecord> query) =>
        query.Where(x => x.MatchesSql("d." + EnrollmentPredicate));

    /// <summary>The predicate of the certificate table's status index, as SQL text (a literal, not a parameter).</summary>
    public static IQueryable<CertificateRecord> NotValid(this IQueryable<CertificateRecord> query) =>
        query.Where(x => x.MatchesSql("d." + CertificatePredicate));
}
