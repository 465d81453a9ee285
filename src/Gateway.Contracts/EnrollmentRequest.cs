namespace Gateway.Contracts;

/// <summary>
/// The one normalised request every front-end produces. Exactly one of <see cref="Csr"/> (DER PKCS#10) and
/// <see cref="Template"/> (public key plus requested contents, e.g. from CRMF) is set. With
/// <see cref="RequiresConfirmation"/> (CMP without implicitConfirm), an issued certificate awaits the requester's
/// confirmation (<see cref="AwaitingConfirmationOutcome"/>) and is revoked if refused or not confirmed in time.
/// <see cref="Audit"/> (the admin API's enrollments): the audit log entry of this action, recorded by the enrollment in
/// the commit of its decision (as an event of the enrollment's stream, the enrollment as target and the status the
/// answer carries) instead of in a commit of its own; the outcome then says <see cref="EnrollmentOutcome.Audited"/>.
/// <see cref="NewTransaction"/>: the front-end generated the transaction id for this request (random, never sent
/// before), so there is nothing stored under it to look up first; the enrollment's stream is created, and should it
/// exist after all, the commit fails and what is stored is adopted as for any race.
/// <see cref="RequestKeyed"/>: the transaction id is derived from the request itself (EST: operation, client and CSR), so
/// its values are spread at random; the enrollment is then recorded under a time-ordered id of its own, and its request
/// key (<see cref="EnrollmentKey"/>) is kept beside it for a repeat of the request to find it. The store's indexes then
/// take each new enrollment at their ends instead of on a random page (a random index page changed after a checkpoint
/// is written whole into the WAL).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentRequest")]
public sealed record EnrollmentRequest(
    [property: Id(0)] EnrollmentProtocol Protocol,
    [property: Id(1)] string Profile,
    [property: Id(2)] Requester Requester,
    [property: Id(3)] string TransactionId,
    [property: Id(4)] byte[]? Csr,
    [property: Id(5)] RequestedTemplate? Template = null,
    [property: Id(6)] string? RenewalOf = null,
    [property: Id(7)] bool RequiresConfirmation = false,
    [property: Id(8)] Audit.AdminAction? Audit = null,
    [property: Id(9)] bool NewTransaction = false,
    [property: Id(10)] bool RequestKeyed = false)
{
    /// <summary>The grain key of the enrollment this request belongs to: retries with the same transaction id land on the same grain.</summary>
    public string EnrollmentKey => EnrollmentKeys.For(Protocol, TransactionId);
}
