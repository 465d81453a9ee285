using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// Checks an answer's certificate(s) without X509Certificate2 (which would cost the load generator an OpenSSL round
/// trip per request): reads just enough ASN.1 to find each certificate's serial and SubjectPublicKeyInfo, and
/// compares the latter with the key the CSR was made for. A certificate that does not parse this far is an error.
/// </summary>
internal static class CertificateCheck
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Context3 = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>
    /// A certs-only CMS SignedData (RFC 5652 §5, "degenerate": no signers) in DER or BER: returns the certificates.
    /// False with a reason for anything else.
    /// </summary>
    public static bool TryReadCertsOnly(ReadOnlyMemory<byte> cms, out List<ReadOnlyMemory<byte>> certificates, out string error)
    {
        certificates = [];
        try
        {
            var outer = new AsnReader(cms, AsnEncodingRules.BER);
            var contentInfo = outer.ReadSequence();
            if (outer.HasData) return Fail("data after the ContentInfo", out error);
            var type = contentInfo.ReadObjectIdentifier();
            if (type != SignedDataOid) return Fail($"ContentInfo type {type}, not signedData", out error);
            var signedData = contentInfo.ReadSequence(Context0).ReadSequence();
            signedData.ReadInteger();                 // version
            signedData.ReadSetOf();                   // digestAlgorithms
            signedData.ReadSequence();                // encapContentInfo (no content in certs-only)
            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(Context0))
            {
                var set = signedData.ReadSetOf(Context0);
                while (set.HasData) certificates.Add(set.ReadEncodedValue());
            }
            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(Context1)) signedData.ReadSetOf(Context1); // crls
            var signers = signedData.ReadSetOf();
            if (signers.HasData) return Fail("SignedData has signerInfos: not certs-only", out error);
            if (certificates.Count == 0) return Fail("certs-only SignedData without certificates", out error);
            error = "";
            return true;
        }
        catch (AsnContentException ex)
        {
            return Fail("not a CMS SignedData: " + ex.Message, out error);
        }
    }

    /// <summary>
    /// The certificate among <paramref name="certificates"/> whose SubjectPublicKeyInfo is <paramref name="spki"/>; its
    /// serial as the gateway writes it (lowercase hex without a leading 00 byte).
    /// </summary>
    public static bool TryFindForKey(IEnumerable<ReadOnlyMemory<byte>> certificates, ReadOnlySpan<byte> spki, out string serial, out string error)
    {
        var count = 0;
        foreach (var certificate in certificates)
        {
            count++;
            if (!TryRead(certificate, out var certSerial, out var certSpki, out error)) return Fail(error, out serial, out error);
            if (certSpki.Span.SequenceEqual(spki))
            {
                serial = certSerial;
                return true;
            }
        }
        return Fail($"none of the {count} certificate(s) certifies the CSR's public key", out serial, out error);
    }

    /// <summary>One PEM certificate (as cfssl and the admin API answer) that must certify <paramref name="spki"/>.</summary>
    public static bool TryCheckPem(string? pem, ReadOnlySpan<byte> spki, out string serial, out string error)
    {
        if (string.IsNullOrEmpty(pem) || !PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE"))
        {
            return Fail("no PEM CERTIFICATE block", out serial, out error);
        }
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written) || written != der.Length)
        {
            return Fail("PEM CERTIFICATE with bad base64", out serial, out error);
        }
        return TryFindForKey([der], spki, out serial, out error);
    }

    /// <summary>The certificates of a PEM chain (as ACME's <c>application/pem-certificate-chain</c>), leaf first.</summary>
    public static bool TryReadPemChain(string? pem, out List<ReadOnlyMemory<byte>> certificates, out string error)
    {
        certificates = [];
        var rest = (pem ?? "").AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (!rest[fields.Label].SequenceEqual("CERTIFICATE")) return Fail($"a PEM block labelled {rest[fields.Label]}, not CERTIFICATE", out error);
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written) || written != der.Length)
                return Fail("PEM CERTIFICATE with bad base64", out error);
            certificates.Add(der);
            rest = rest[fields.Location.End..];
        }
        if (certificates.Count == 0) return Fail("no PEM CERTIFICATE block", out error);
        error = "";
        return true;
    }

    /// <summary>The dNSName entries of a certificate's subjectAltName extension (none when it has no such extension).</summary>
    public static bool TryReadDnsNames(ReadOnlyMemory<byte> certificate, out List<string> names, out string error)
    {
        names = [];
        try
        {
            var tbs = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Context0)) tbs.ReadSequence(Context0);
            tbs.ReadIntegerBytes();   // serial
            tbs.ReadSequence();       // signature algorithm
            tbs.ReadSequence();       // issuer
            tbs.ReadSequence();       // validity
            tbs.ReadSequence();       // subject
            tbs.ReadSequence();       // subjectPublicKeyInfo
            while (tbs.HasData)
            {
                var tag = tbs.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue != 3)
                {
                    tbs.ReadEncodedValue();   // [1] issuerUniqueID, [2] subjectUniqueID
                    continue;
                }
                var extensions = tbs.ReadSequence(Context3).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
                    var value = extension.ReadOctetString();
                    if (oid != SubjectAltNameOid) continue;
                    var generalNames = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
                    while (generalNames.HasData)
                    {
                        if (generalNames.PeekTag().HasSameClassAndValue(DnsNameTag))
                            names.Add(generalNames.ReadCharacterString(UniversalTagNumber.IA5String, DnsNameTag));
                        else
                            generalNames.ReadEncodedValue();
                    }
                }
            }
            error = "";
            return true;
        }
        catch (AsnContentException ex)
        {
            return Fail("certificate extensions do not parse: " + ex.Message, out error);
        }
    }

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serialNumber, signature, issuer, validity, subject, spki, ... }, ... }</summary>
    private static bool TryRead(ReadOnlyMemory<byte> certificate, out string serial, out ReadOnlyMemory<byte> spki, out string error)
    {
        spki = default;
        try
        {
            var outer = new AsnReader(certificate, AsnEncodingRules.DER);
            var cert = outer.ReadSequence();
            var tbs = cert.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Context0)) tbs.ReadSequence(Context0);
            var serialBytes = tbs.ReadIntegerBytes().Span;
            if (serialBytes.Length > 1 && serialBytes[0] == 0) serialBytes = serialBytes[1..];
            tbs.ReadSequence();       // signature algorithm
            tbs.ReadSequence();       // issuer
            tbs.ReadSequence();       // validity
            tbs.ReadSequence();       // subject
            spki = tbs.ReadEncodedValue();
            cert.ReadSequence();      // signatureAlgorithm
            cert.ReadBitString(out _);
            if (cert.HasData || outer.HasData) return Fail("certificate with trailing data", out serial, out error);
            serial = Convert.ToHexStringLower(serialBytes);
            error = "";
            return true;
        }
        catch (AsnContentException ex)
        {
            return Fail("certificate is not DER X.509: " + ex.Message, out serial, out error);
        }
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    private static bool Fail(string message, out string serial, out string error)
    {
        serial = "";
        error = message;
        return false;
    }
}
