namespace Gateway.Contracts.Grains;

/// <summary>The issuing CA's generations and their rollover, for the admin API (key 0).</summary>
[Alias("Gateway.ICaGrain")]
public interface ICaGrain : IGrainWithIntegerKey
{
    /// <summary>Every issuing CA generation served, the signing one, and whether a rollover is possible here.</summary>
    [Alias("GetStatusAsync")]
    Task<CaStatus> GetStatusAsync();

    /// <summary>
    /// Rolls the default issuer over now (new key and id, signed by the root), as the schedule would before expiry; other
    /// nodes pick the new generation up within <c>Gateway:Ca:RolloverCheckInterval</c>. Null status when impossible here.
    /// </summary>
    [Alias("RollOverAsync")]
    Task<CaRolloverResult> RollOverAsync(string actor);
}

[GenerateSerializer, Immutable, Alias("Gateway.CaGeneration")]
public sealed record CaGeneration(
    [property: Id(0)] string Id,
    [property: Id(1)] string LogicalId,
    [property: Id(2)] int Generation,
    [property: Id(3)] string Subject,
    [property: Id(4)] DateTimeOffset NotBefore,
    [property: Id(5)] DateTimeOffset NotAfter,
    [property: Id(6)] string Sha256Fingerprint,
    [property: Id(7)] bool Current);

[GenerateSerializer, Immutable, Alias("Gateway.CaStatus")]
public sealed record CaStatus(
    [property: Id(0)] IReadOnlyList<CaGeneration> Generations,
    [property: Id(1)] string Current,
    [property: Id(2)] bool CanRollOver);

/// <summary>The generation now signing, or why none could be made (<see cref="Problem"/> set, nothing changed).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CaRolloverResult")]
public sealed record CaRolloverResult(
    [property: Id(0)] CaStatus Status,
    [property: Id(1)] string? Problem);
