using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Protocols.Acme.Jws;

/// <summary>
/// An account's public key as a JWK (RFC 7517): EC P-256/P-384/P-521 (<c>crv</c>, <c>x</c>, <c>y</c>), RSA of 2048 to
/// 8192 bits (<c>n</c>, <c>e</c>), or OKP Ed25519 (<c>x</c>). Parsed strictly: exact coordinate lengths, the point on its
/// curve, no private members. <see cref="Thumbprint"/> is the RFC 7638 SHA-256 thumbprint (the account key's identity and
/// the key authorization's suffix, RFC 8555 §8.1).
/// </summary>
public sealed class AcmeJwk
{
    private AcmeJwk(string kty, string? crv, IReadOnlyDictionary<string, string> members)
    {
        Kty = kty;
        Crv = crv;
        _members = members;
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson())));
    }

    private readonly IReadOnlyDictionary<string, string> _members;

    public string Kty { get; }

    public string? Crv { get; }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256, base64url without padding).</summary>
    public string Thumbprint { get; }

    /// <summary>The JWS <c>alg</c> values this key verifies (RFC 8555 §6.2 / RFC 7518).</summary>
    public string Algorithm => (Kty, Crv) switch
    {
        ("EC", "P-256") => "ES256",
        ("EC", "P-384") => "ES384",
        ("EC", "P-521") => "ES512",
        ("RSA", _) => "RS256",
        _ => "EdDSA",
    };

    /// <summary>The JWK's required members in lexicographic order without whitespace (RFC 7638 §3).</summary>
    public string CanonicalJson()
    {
        var names = Kty switch
        {
            "EC" => new[] { "crv", "kty", "x", "y" },
            "RSA" => ["e", "kty", "n"],
            _ => ["crv", "kty", "x"],
        };
        var builder = new StringBuilder("{");
        foreach (var name in names)
        {
            if (builder.Length > 1) builder.Append(',');
            builder.Append('"').Append(name).Append("\":\"").Append(name == "kty" ? Kty : name == "crv" ? Crv : _members[name]).Append('"');
        }
        return builder.Append('}').ToString();
    }

    /// <summary>Whether this is the key of <paramref name="subjectPublicKeyInfo"/> (DER), e.g. a certificate's (revokeCert signed by its key).</summary>
    public bool MatchesSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        byte[] mine;
        switch (Kty)
        {
            case "EC":
                using (var key = ECDsa.Create(new ECParameters { Curve = CurveOf(Crv!), Q = new ECPoint { X = Bytes("x"), Y = Bytes("y") } }))
                    mine = key.ExportSubjectPublicKeyInfo();
                break;
            case "RSA":
                using (var key = RSA.Create(new RSAParameters { Modulus = Bytes("n"), Exponent = Bytes("e") }))
                    mine = key.ExportSubjectPublicKeyInfo();
                break;
            default:
                // Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING x }.
                mine = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. Bytes("x")];
                break;
        }
        return subjectPublicKeyInfo.SequenceEqual(mine);
    }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> with this key under <paramref name="alg"/>.</summary>
    public bool Verify(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        switch (Kty)
        {
            case "EC":
            {
                using var key = ECDsa.Create(new ECParameters
                {
                    Curve = CurveOf(Crv!),
                    Q = new ECPoint { X = Bytes("x"), Y = Bytes("y") },
                });
                var hash = alg switch { "ES256" => HashAlgorithmName.SHA256, "ES384" => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
                // JWS ECDSA signatures are R || S, each the curve's size (RFC 7518 §3.4).
                return signature.Length == 2 * CoordinateLength(Crv!) && key.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            case "RSA":
            {
                using var key = RSA.Create(new RSAParameters { Modulus = Bytes("n"), Exponent = Bytes("e") });
                return key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            default:
            {
                if (signature.Length != 64) return false;
                var key = new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(Bytes("x"));
                return key.Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, data.ToArray(), 0, data.Length, signature.ToArray(), 0);
            }
        }
    }

    private byte[] Bytes(string member) => Base64Url.DecodeFromChars(_members[member]);

    /// <summary>Parses a JWK object; throws <see cref="AcmeProblem"/> (badPublicKey or malformed) when it is not a usable public key.</summary>
    public static AcmeJwk Parse(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("The jwk header parameter is not a JSON object.");
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in jwk.EnumerateObject())
        {
            if (property.Name is "d" or "p" or "q" or "dp" or "dq" or "qi" or "k" or "oth")
                throw AcmeProblem.BadPublicKey($"The jwk carries the private member '{property.Name}': send the public key only.");
            if (property.Value.ValueKind == JsonValueKind.String) members[property.Name] = property.Value.GetString()!;
        }
        var kty = members.GetValueOrDefault("kty") ?? throw AcmeProblem.Malformed("The jwk has no kty.");
        switch (kty)
        {
            case "EC":
            {
                var crv = members.GetValueOrDefault("crv");
                if (crv is not ("P-256" or "P-384" or "P-521")) throw AcmeProblem.BadPublicKey($"EC curve '{crv}' is not supported (P-256, P-384, P-521).");
                var size = CoordinateLength(crv);
                var x = Decode(members, "x", size);
                var y = Decode(members, "y", size);
                try
                {
                    using var key = ECDsa.Create(new ECParameters { Curve = CurveOf(crv), Q = new ECPoint { X = x, Y = y } });
                    key.ExportParameters(false); // the import checks the point is on the curve
                }
                catch (CryptographicException)
                {
                    throw AcmeProblem.BadPublicKey("The jwk's point is not on its curve.");
                }
                return new AcmeJwk(kty, crv, members);
            }
            case "RSA":
            {
                var n = Decode(members, "n", null);
                var e = Decode(members, "e", null);
                if (n.Length == 0 || n[0] == 0) throw AcmeProblem.Malformed("The jwk's n has leading zero octets.");
                var bits = n.Length * 8 - System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]) + 24;
                if (bits is < 2048 or > 8192) throw AcmeProblem.BadPublicKey($"RSA keys of {bits} bits are not accepted (2048 to 8192).");
                if (e.Length is 0 or > 8 || (e[^1] & 1) == 0 || e.Length == 1 && e[0] < 3) throw AcmeProblem.BadPublicKey("The RSA public exponent is not usable.");
                return new AcmeJwk(kty, null, members);
            }
            case "OKP":
            {
                var crv = members.GetValueOrDefault("crv");
                if (crv != "Ed25519") throw AcmeProblem.BadPublicKey($"OKP curve '{crv}' is not supported (Ed25519).");
                Decode(members, "x", 32);
                return new AcmeJwk(kty, crv, members);
            }
            default:
                throw AcmeProblem.BadPublicKey($"Key type '{kty}' is not supported (EC, RSA, OKP).");
        }
    }

    private static byte[] Decode(Dictionary<string, string> members, string name, int? length)
    {
        if (!members.TryGetValue(name, out var text)) throw AcmeProblem.Malformed($"The jwk has no {name}.");
        if (!JwsBase64.TryDecode(text, out var bytes)) throw AcmeProblem.Malformed($"The jwk's {name} is not base64url.");
        if (length is { } expected && bytes.Length != expected) throw AcmeProblem.BadPublicKey($"The jwk's {name} is {bytes.Length} bytes; {expected} expected.");
        return bytes;
    }

    private static int CoordinateLength(string crv) => crv switch { "P-256" => 32, "P-384" => 48, _ => 66 };

    private static ECCurve CurveOf(string crv) => crv switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };
}
