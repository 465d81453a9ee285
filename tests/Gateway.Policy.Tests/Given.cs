using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Policy.Tests;

/// <summary>Builders for profiles, keys and inputs shared by the tests.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2030, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public const string P256 = "1.2.840.10045.3.1.7";
    public const string P384 = "1.3.132.0.34";
    public const string P521 = "1.3.132.0.35";
    public const string P192 = "1.2.840.10045.3.1.1";

    /// <summary>A san section allowing DNS names under .test (the default input's host.test among them).</summary>
    public const string TestNames = """
        san:
          dns: {allow: ["*.test"]}

        """;

    /// <summary>A profile with the given sections appended to a minimal header (acme + admin, api-key + acme-account).</summary>
    public static CompiledProfile Profile(string sections = "")
    {
        var yaml = """
            name: test
            protocols: [acme, admin]
            authentication: [api-key, acme-account]

            """ + sections;
        return Compile(yaml);
    }

    public static CompiledProfile Compile(string yaml)
    {
        var result = ProfileParser.Parse(yaml, "test.yaml");
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        return Assert.Single(result.Profiles);
    }

    public static byte[] RsaSpki(int bits, int exponent = 65537)
    {
        var modulus = new byte[bits / 8];
        modulus[0] = 0x80;
        modulus[^1] = 0x01;
        var rsaKey = new AsnWriter(AsnEncodingRules.DER);
        using (rsaKey.PushSequence())
        {
            rsaKey.WriteIntegerUnsigned(modulus);
            rsaKey.WriteInteger(exponent);
        }

        return Spki("1.2.840.113549.1.1.1", w => w.WriteNull(), rsaKey.Encode());
    }

    public static byte[] EcSpki(string curveOid) =>
        Spki("1.2.840.10045.2.1", w => w.WriteObjectIdentifier(curveOid), [0x04, .. new byte[64]]);

    public static byte[] Ed25519Spki() => Spki("1.3.101.112", null, new byte[32]);

    public static byte[] Spki(string algorithmOid, Action<AsnWriter>? parameters, byte[] key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(algorithmOid);
                parameters?.Invoke(writer);
            }

            writer.WriteBitString(key);
        }

        return writer.Encode();
    }

    public static byte[] Name(string distinguishedName) =>
        distinguishedName.Length == 0 ? [0x30, 0x00] : new X500DistinguishedName(distinguishedName).RawData;

    public static PolicyInput Input(
        IEnumerable<SubjectAltName>? sans = null,
        string subject = "",
        byte[]? spki = null,
        EnrollmentProtocol protocol = EnrollmentProtocol.Acme,
        string authentication = AuthenticationMethods.AcmeAccount,
        IEnumerable<ExtensionData>? extensions = null,
        string? renewalOf = null,
        KeyDescription? key = null) =>
        new(
            protocol,
            new Requester(authentication, "requester-1"),
            Name(subject),
            subject,
            spki ?? EcSpki(P256),
            key ?? new KeyDescription(KeyDescription.Ec, 256, "P-256"),
            sans?.ToList() ?? [SubjectAltName.Dns("host.test")],
            extensions?.ToList() ?? [],
            renewalOf,
            Now);

    public static PolicyInput Dns(params string[] names) => Input(names.Select(SubjectAltName.Dns));

    public static SubjectAltName San(string typed)
    {
        var colon = typed.IndexOf(':');
        var value = typed[(colon + 1)..];
        return typed[..colon] switch
        {
            "dns" => SubjectAltName.Dns(value),
            "ip" => SubjectAltName.Ip(value),
            "email" => SubjectAltName.Email(value),
            "uri" => SubjectAltName.Uri(value),
            "upn" => SubjectAltName.Upn(value),
            _ => new SubjectAltName(SubjectAltNameType.Other, value),
        };
    }

    public static string Rules(Decision decision) =>
        string.Join(Environment.NewLine, decision.FiredRules.Select(r => $"{r.Rule} {r.Effect} {r.Reason}"));

    /// <summary>The repository root: the directory above the test binaries that holds Gateway.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Gateway.sln above {AppContext.BaseDirectory}");
    }

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", name);
}
