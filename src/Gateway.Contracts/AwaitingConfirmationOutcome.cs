namespace Gateway.Contracts;

/// <summary>
/// Issued and committed, delivered, waiting for the requester's confirmation (CMP certConf) until
/// <see cref="ConfirmBy"/>: confirmed, it becomes <see cref="IssuedOutcome"/>; refused or not confirmed in time, the
/// certificate is revoked. The certificate (DER) and its chain (DER, issuing CA first, root last) as for an issued one.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentOutcome.AwaitingConfirmation")]
public sealed record AwaitingConfirmationOutcome(
    string EnrollmentId,
    [property: Id(0)] string Serial,
    [property: Id(1)] byte[] Certificate,
    [property: Id(2)] IReadOnlyList<byte[]> Chain,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] DateTimeOffset ConfirmBy) : EnrollmentOutcome(EnrollmentId);
