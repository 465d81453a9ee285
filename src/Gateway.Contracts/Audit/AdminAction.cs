namespace Gateway.Contracts.Audit;

/// <summary>
/// One action taken through the admin API, as the API saw it: who (<c>api-key:&lt;name&gt;</c>), what
/// (<c>profile.put</c>, <c>enrollment.approve</c>, …), on what (profile name, enrollment id, serial, credential id), from
/// where (the client address) and how it ended (the HTTP status answered, and a problem slug when refused).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.AdminAction")]
public sealed record AdminAction(
    [property: Id(0)] string Actor,
    [property: Id(1)] string Action,
    [property: Id(2)] string Target,
    [property: Id(3)] string? ClientAddress,
    [property: Id(4)] int Status,
    [property: Id(5)] string? Detail = null);
