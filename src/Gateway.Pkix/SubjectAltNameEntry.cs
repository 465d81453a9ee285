namespace Gateway.Pkix;

/// <summary>
/// One GeneralName of a subjectAltName in comparable text: DNS names lowercased, IP addresses in canonical text, e-mail
/// and URI as sent, anything else as <see cref="SubjectAltNameKind.Other"/> ("otherName:1.3.6.1.4.1.311.20.2.3:user@corp").
/// </summary>
public sealed record SubjectAltNameEntry(SubjectAltNameKind Kind, string Value)
{
    public static SubjectAltNameEntry Dns(string value) => new(SubjectAltNameKind.Dns, value);

    public static SubjectAltNameEntry Ip(string value) => new(SubjectAltNameKind.Ip, value);

    public static SubjectAltNameEntry Email(string value) => new(SubjectAltNameKind.Email, value);

    public static SubjectAltNameEntry Uri(string value) => new(SubjectAltNameKind.Uri, value);

    /// <summary>"DNS:host.example", "IP:192.0.2.1", "EMAIL:a@b", "URI:…", "OTHER:…".</summary>
    public override string ToString() => $"{Kind.ToString().ToUpperInvariant()}:{Value}";
}
