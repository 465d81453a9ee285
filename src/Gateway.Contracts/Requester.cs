namespace Gateway.Contracts;

/// <summary>Who asked: how they authenticated and as whom (a credential id, a client certificate subject, an API key name...).</summary>
/// <param name="Claims">
/// Attributes of the authenticated identity that profiles may bind names to (<see cref="RequesterClaims"/>): the
/// client certificate's CN and subject serialNumber, the subject a credential binds. Null or absent keys: no value.
/// </param>
[GenerateSerializer, Immutable, Alias("Gateway.Requester")]
public sealed record Requester(
    [property: Id(0)] string AuthenticationMethod,
    [property: Id(1)] string Principal,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Claims = null)
{
    /// <summary>The value of claim <paramref name="name"/> (<see cref="RequesterClaims"/>), or null.</summary>
    public string? Claim(string name) => Claims is not null && Claims.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public override string ToString() => $"{AuthenticationMethod}:{Principal}";
}
