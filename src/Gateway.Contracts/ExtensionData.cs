namespace Gateway.Contracts;

/// <summary>An X.509 extension as requested or as to be issued: OID, criticality and the DER of extnValue's contents.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.ExtensionData")]
public sealed record ExtensionData(
    [property: Id(0)] string Oid,
    [property: Id(1)] bool Critical,
    [property: Id(2)] byte[] Value);
