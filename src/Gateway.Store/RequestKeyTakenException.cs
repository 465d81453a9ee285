namespace Gateway.Store;

/// <summary>
/// Another enrollment was recorded under the same request key first (<see cref="Records.EnrollmentRecord.RequestKey"/>:
/// two nodes took the same EST request at once). Nothing of the unit was committed.
/// </summary>
public sealed class RequestKeyTakenException(Exception? inner = null)
    : Exception("Another enrollment holds this request key.", inner)
{
    /// <summary>The unique index on the enrollment table's request key, whose violation this is.</summary>
    public const string IndexSuffix = "_idx_request_key";

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) is PostgreSQL refusing a second enrollment for one request key.</summary>
    public static bool Is(Exception exception) => StoreFailure.IsUniqueViolation(exception, IndexSuffix);
}
