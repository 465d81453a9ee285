namespace Gateway.Contracts;

/// <summary>Who asked: how they authenticated and as whom (a credential id, a client certificate subject, an API key name...).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Requester")]
public sealed record Requester(
    [property: Id(0)] string AuthenticationMethod,
    [property: Id(1)] string Principal)
{
    public override string ToString() => $"{AuthenticationMethod}:{Principal}";
}
