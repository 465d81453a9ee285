namespace Gateway.Contracts;

/// <summary>One subjectAltName entry in a normalised, comparable form.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.SubjectAltName")]
public sealed record SubjectAltName(
    [property: Id(0)] SubjectAltNameType Type,
    [property: Id(1)] string Value)
{
    public static SubjectAltName Dns(string value) => new(SubjectAltNameType.Dns, value);
    public static SubjectAltName Ip(string value) => new(SubjectAltNameType.Ip, value);
    public static SubjectAltName Email(string value) => new(SubjectAltNameType.Email, value);
    public static SubjectAltName Uri(string value) => new(SubjectAltNameType.Uri, value);
    public static SubjectAltName Upn(string value) => new(SubjectAltNameType.Upn, value);

    public override string ToString() => $"{Type.ToString().ToUpperInvariant()}:{Value}";
}

[GenerateSerializer, Alias("Gateway.SubjectAltNameType")]
public enum SubjectAltNameType
{
    Dns = 0,
    Ip = 1,
    Email = 2,
    Uri = 3,
    /// <summary>otherName, directoryName, registeredID...: carried as text for policy to refuse.</summary>
    Other = 4,

    /// <summary>A Microsoft user principal name (otherName 1.3.6.1.4.1.311.20.2.3, UTF8String).</summary>
    Upn = 5,
}
