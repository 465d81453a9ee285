using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Pkix;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// Turns a described dry-run request (subject, SANs, key) into the <see cref="RequestedTemplate"/> policy evaluates.
/// A key given by description gets a stand-in public key of that kind: nothing is ever signed with it.
/// </summary>
internal static class DescribedRequest
{
    private const int MaxSans = 1000;
    private static readonly byte[] EmptyName = [0x30, 0x00];

    public static bool TryBuild(string? subject, IReadOnlyList<string>? sans, string? key, string? publicKey, out RequestedTemplate template, out string error)
    {
        template = null!;
        error = "";
        byte[] subjectDer = EmptyName;
        if (!string.IsNullOrWhiteSpace(subject))
        {
            try
            {
                subjectDer = new X500DistinguishedName(subject).RawData;
            }
            catch (CryptographicException ex)
            {
                error = $"'subject' is not a distinguished name (such as CN=a.example.test, O=Example): {ex.Message}";
                return false;
            }
        }

        var names = new List<SubjectAltName>();
        if (sans is { Count: > MaxSans })
        {
            error = $"'sans' may list at most {MaxSans} names.";
            return false;
        }
        foreach (var entry in sans ?? [])
        {
            if (!TryParseSan(entry, out var san, out error)) return false;
            names.Add(san);
        }

        byte[] spki;
        if (!string.IsNullOrWhiteSpace(publicKey))
        {
            if (key is not null)
            {
                error = "Give 'key' or 'publicKey', not both.";
                return false;
            }
            if (!TryReadPublicKey(publicKey, out spki, out error)) return false;
        }
        else if (!TryStandIn(key ?? "EC P-256", out spki, out error))
        {
            return false;
        }

        template = new RequestedTemplate(spki, subjectDer, names, []);
        return true;
    }

    /// <summary><c>dns:name</c>, <c>ip:address</c>, <c>email:address</c> or <c>uri:uri</c>, normalised as the CSR parser normalises them.</summary>
    private static bool TryParseSan(string? entry, out SubjectAltName san, out string error)
    {
        san = null!;
        error = "";
        var colon = entry?.IndexOf(':') ?? -1;
        if (entry is null || colon <= 0 || colon == entry.Length - 1)
        {
            error = $"SAN '{entry}' must be written type:value with type dns, ip, email or uri (e.g. dns:a.example.test).";
            return false;
        }
        var type = entry[..colon].Trim().ToLowerInvariant();
        var value = entry[(colon + 1)..].Trim();
        switch (type)
        {
            case "dns":
                san = SubjectAltName.Dns(value.ToLowerInvariant());
                return true;
            case "ip":
                if (!IPAddress.TryParse(value, out var address))
                {
                    error = $"SAN '{entry}': '{value}' is not an IP address.";
                    return false;
                }
                san = SubjectAltName.Ip(address.ToString());
                return true;
            case "email":
                san = SubjectAltName.Email(value);
                return true;
            case "uri":
                if (!Uri.TryCreate(value, UriKind.Absolute, out _))
                {
                    error = $"SAN '{entry}': '{value}' is not an absolute URI.";
                    return false;
                }
                san = SubjectAltName.Uri(value);
                return true;
            case "upn":
                san = SubjectAltName.Upn(value);
                return true;
            default:
                error = $"SAN '{entry}': type '{type}' is not one of dns, ip, email, uri.";
                return false;
        }
    }

    private static bool TryReadPublicKey(string pem, out byte[] spki, out string error)
    {
        spki = [];
        error = "'publicKey' must be a PEM SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----).";
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("PUBLIC KEY")) return false;
        try
        {
            spki = Convert.FromBase64String(pem[fields.Base64Data]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A public key of the described kind: <c>EC P-256|P-384|P-521</c>, <c>RSA &lt;bits&gt;</c> (1024 to 16384), <c>Ed25519</c>.</summary>
    private static bool TryStandIn(string description, out byte[] spki, out string error)
    {
        spki = [];
        error = $"'key' '{description}' is not one of: EC P-256, EC P-384, EC P-521, RSA <bits> (1024 to 16384), Ed25519.";
        var parts = description.Replace(':', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) return false;
        var algorithm = parts[0].ToUpperInvariant();
        if (parts.Length == 1 && algorithm is "P-256" or "P-384" or "P-521") parts = ["EC", parts[0]];
        switch (parts[0].ToUpperInvariant())
        {
            case "EC" or "ECDSA" when parts.Length == 2:
                ECCurve? curve = parts[1].ToUpperInvariant() switch
                {
                    "P-256" or "P256" or "PRIME256V1" or "SECP256R1" => ECCurve.NamedCurves.nistP256,
                    "P-384" or "P384" or "SECP384R1" => ECCurve.NamedCurves.nistP384,
                    "P-521" or "P521" or "SECP521R1" => ECCurve.NamedCurves.nistP521,
                    _ => null,
                };
                if (curve is null) return false;
                using (var ec = ECDsa.Create(curve.Value))
                {
                    spki = ec.ExportSubjectPublicKeyInfo();
                }
                return true;
            case "RSA" when parts.Length == 2:
                if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits)
                    || bits is < 1024 or > 16384)
                {
                    return false;
                }
                spki = RsaStandIn(bits);
                return true;
            case "ED25519" when parts.Length == 1:
                spki = Spki(Oids.Ed25519, writeNullParameters: false, RandomNumberGenerator.GetBytes(32));
                return true;
            default:
                return false;
        }
    }

    /// <summary>An RSA public key of exactly <paramref name="bits"/> bits and exponent 65537 (generating a real one of 8192 bits would take seconds).</summary>
    private static byte[] RsaStandIn(int bits)
    {
        var modulus = RandomNumberGenerator.GetBytes((bits + 7) / 8);
        var topBit = (bits - 1) % 8;
        modulus[0] &= (byte)((1 << (topBit + 1)) - 1);
        modulus[0] |= (byte)(1 << topBit);
        modulus[^1] |= 1;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(modulus);
            writer.WriteInteger(65537);
        }
        return Spki(Oids.RsaEncryption, writeNullParameters: true, writer.Encode());
    }

    private static byte[] Spki(string algorithmOid, bool writeNullParameters, byte[] publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(algorithmOid);
                if (writeNullParameters) writer.WriteNull();
            }
            writer.WriteBitString(publicKey);
        }
        return writer.Encode();
    }
}
