namespace Gateway.Contracts.Revocation;

/// <summary>The current CRL of one issuing CA (DER) with what its header says.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CrlInfo")]
public sealed record CrlInfo(
    [property: Id(0)] string IssuerId,
    [property: Id(1)] long Number,
    [property: Id(2)] DateTimeOffset ThisUpdate,
    [property: Id(3)] DateTimeOffset NextUpdate,
    [property: Id(4)] int EntryCount,
    [property: Id(5)] byte[] Der);
