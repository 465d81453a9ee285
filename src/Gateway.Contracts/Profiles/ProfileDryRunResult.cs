namespace Gateway.Contracts.Profiles;

/// <summary>
/// A dry run's answer: the decision (null when the request itself is unusable: <see cref="Problem"/> says why) and
/// the protocol and requester it was evaluated for. For a dry run against an unsaved document that does not compile,
/// <see cref="DocumentErrors"/> lists its errors and nothing was evaluated. Rules that need store facts (quotas, key reuse) are not evaluated.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileDryRunResult")]
public sealed record ProfileDryRunResult(
    [property: Id(0)] Decision? Decision,
    [property: Id(1)] RejectionReason? Problem,
    [property: Id(2)] string? Message,
    [property: Id(3)] EnrollmentProtocol Protocol,
    [property: Id(4)] Requester Requester,
    [property: Id(5)] IReadOnlyList<ProfileError>? DocumentErrors = null);
