using System.Formats.Asn1;
using System.Text;
using Gateway.Contracts;
using Gateway.Pkix;

namespace Gateway.Protocols.Est;

/// <summary>The wire formats of RFC 7030: base64 bodies, CsrAttrs, the serverkeygen multipart.</summary>
internal static class EstEncoding
{
    /// <summary>Decodes a base64 body (whitespace allowed); a body that is already DER (starts with SEQUENCE) is accepted as is.</summary>
    public static bool TryDecodeBody(ReadOnlySpan<byte> body, out byte[] der, out string error)
    {
        der = [];
        error = "";
        if (body.IsEmpty)
        {
            error = "The request body is empty; send a base64-encoded DER PKCS#10 request.";
            return false;
        }
        if (body[0] == 0x30)
        {
            der = body.ToArray();
            return true;
        }
        var text = Encoding.ASCII.GetString(body);
        var compact = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c)) compact.Append(c);
        }
        try
        {
            der = Convert.FromBase64String(compact.ToString());
        }
        catch (FormatException)
        {
            error = "The request body is not valid base64.";
            return false;
        }
        if (der.Length == 0)
        {
            error = "The request body decodes to nothing.";
            return false;
        }
        return true;
    }

    /// <summary>Base64 with CRLF every 64 characters, as RFC 7030's Content-Transfer-Encoding: base64 bodies.</summary>
    public static string Base64Lines(byte[] data)
    {
        var b64 = Convert.ToBase64String(data);
        var sb = new StringBuilder(b64.Length + (b64.Length / 64 * 2) + 2);
        for (var i = 0; i < b64.Length; i += 64)
        {
            sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append("\r\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// CsrAttrs (RFC 7030 §4.5.2): the profile's preferred key (id-ecPublicKey with its curve, or rsaEncryption), its
    /// signature algorithm, and the subject attributes the profile requires, as OIDs.
    /// </summary>
    public static byte[] CsrAttrs(ProfileSummary profile)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (profile.AllowedKeys.FirstOrDefault() is { } key)
            {
                if (key.Algorithm == KeyDescription.Ec && CurveOid(key.Curve) is { } curve)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Oids.EcPublicKey);
                        using (writer.PushSetOf()) writer.WriteObjectIdentifier(curve);
                    }
                    writer.WriteObjectIdentifier(key.SizeBits > 256 ? Oids.EcdsaWithSha384 : Oids.EcdsaWithSha256);
                }
                else if (key.Algorithm == KeyDescription.Rsa)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Oids.RsaEncryption);
                        using (writer.PushSetOf()) writer.WriteInteger(key.SizeBits);
                    }
                    writer.WriteObjectIdentifier(Oids.Sha256WithRsa);
                }
                else if (key.Algorithm == KeyDescription.Ed25519)
                {
                    writer.WriteObjectIdentifier(Oids.Ed25519);
                }
            }
            foreach (var attribute in profile.RequiredSubjectAttributes)
            {
                writer.WriteObjectIdentifier(attribute);
            }
        }
        return writer.Encode();
    }

    private static string? CurveOid(string? curve) => NamedCurves.TryGetOid(curve, out var oid) ? oid : null;
}
