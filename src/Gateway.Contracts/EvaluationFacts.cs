namespace Gateway.Contracts;

/// <summary>
/// Facts only the store knows, gathered by the enrollment grain and handed to the policy (mirrors Gateway.Policy's
/// <c>PolicyFacts</c>, which cannot cross a grain boundary). Every fact is optional: a rule whose fact is null is not evaluated.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EvaluationFacts")]
public sealed record EvaluationFacts(
    [property: Id(0)] bool? KeyInUseByOtherSubject = null,
    [property: Id(1)] int? IssuedToRequesterInWindow = null,
    [property: Id(2)] int? IssuedForProfileInWindow = null,
    [property: Id(3)] DateTimeOffset? RenewalOfNotAfter = null,
    [property: Id(4)] bool? RenewalReusesKey = null,
    [property: Id(5)] bool? AuthenticatedWithRenewedCertificate = null);
