using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gateway.Pkix.Csr;

/// <summary>
/// A PKCS#10 certification request (RFC 2986) parsed strictly with the BCL alone: DER only, version 0, nothing after the
/// outer SEQUENCE, a key that parses, well-formed attributes, at most one of each requested extension and valid GeneralNames
/// in subjectAltName. Parsing reads the bytes once; <see cref="VerifySignature"/> checks proof of possession separately.
/// Instances are immutable and safe to share between threads.
/// </summary>
public sealed class Pkcs10Request
{
    /// <summary>The largest CSR accepted, in bytes (64 KiB).</summary>
    public const int MaxSizeBytes = 64 * 1024;

    /// <summary>The longest text <see cref="DecodePem"/> accepts, in characters (base64 of 64 KiB with generous line breaks).</summary>
    public const int MaxPemLength = 128 * 1024;

    private const string PemLabel = "CERTIFICATE REQUEST";
    private const string LegacyPemLabel = "NEW CERTIFICATE REQUEST";

    private readonly ReadOnlyMemory<byte> _signedData;
    private readonly ReadOnlyMemory<byte> _signature;
    // The subjectPublicKey BIT STRING's content: the RSAPublicKey for RSA keys, the uncompressed point for EC keys.
    private readonly ReadOnlyMemory<byte> _subjectPublicKey;
    private readonly CsrSignatureScheme _scheme;
    private int _verification; // 0 = not yet checked, 1 = valid, 2 = invalid (benign race: the answer is deterministic)

    private Pkcs10Request(
        byte[] der,
        ReadOnlyMemory<byte> signedData,
        ReadOnlyMemory<byte> signature,
        byte[] subject,
        string subjectText,
        byte[] subjectPublicKeyInfo,
        PublicKeyDescription key,
        ReadOnlyMemory<byte> subjectPublicKey,
        IReadOnlyList<SubjectAltNameEntry> subjectAltNames,
        IReadOnlyList<RequestedExtension> requestedExtensions,
        string? challengePassword,
        string signatureAlgorithmOid,
        CsrSignatureScheme scheme)
    {
        Der = der;
        _signedData = signedData;
        _signature = signature;
        Subject = subject;
        SubjectText = subjectText;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        Key = key;
        _subjectPublicKey = subjectPublicKey;
        SubjectAltNames = subjectAltNames;
        RequestedExtensions = requestedExtensions;
        ChallengePassword = challengePassword;
        SignatureAlgorithmOid = signatureAlgorithmOid;
        _scheme = scheme;
    }

    /// <summary>The whole request as received (DER). Treat as read-only.</summary>
    public byte[] Der { get; }

    /// <summary>The DER of the subject Name.</summary>
    public byte[] Subject { get; }

    /// <summary>The subject as text, most specific first ("CN=host.example, O=Example, C=DE"); empty for an empty subject.</summary>
    public string SubjectText { get; }

    /// <summary>The DER of the SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The key's algorithm, size and curve; for an unknown algorithm the OID with size 0.</summary>
    public PublicKeyDescription Key { get; }

    /// <summary>
    /// The subjectAltName entries of the extensionRequest, in request order: DNS names lowercased, IP addresses in canonical
    /// text, e-mail and URI as sent, anything else as <see cref="SubjectAltNameKind.Other"/> ("otherName:1.3.6.1.4.1.311.20.2.3:user@corp",
    /// "directoryName:CN=x", "registeredID:1.2.3", "x400Address:#hex", "ediPartyName:#hex").
    /// </summary>
    public IReadOnlyList<SubjectAltNameEntry> SubjectAltNames { get; }

    /// <summary>Every extension of the extensionRequest attribute (including subjectAltName), in request order.</summary>
    public IReadOnlyList<RequestedExtension> RequestedExtensions { get; }

    /// <summary>The PKCS#9 challengePassword, if the request carries one. A secret: never log it.</summary>
    public string? ChallengePassword { get; }

    /// <summary>The signatureAlgorithm OID (e.g. 1.2.840.10045.4.3.2 for ecdsa-with-SHA256).</summary>
    public string SignatureAlgorithmOid { get; }

    /// <summary>
    /// True when <see cref="VerifySignature"/> can check this signature algorithm: ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512,
    /// or RSASSA-PSS with SHA-256/384/512, MGF1 with the same hash and a salt as long as the hash. False for SHA-1, MD5, SHA-224,
    /// Ed25519 (the .NET 10 BCL has none), other PSS salt lengths and unknown algorithms; their signatures never verify.
    /// </summary>
    public bool SignatureAlgorithmSupported => _scheme.IsVerifiable;

    /// <summary>Parses a DER PKCS#10 request. Throws <see cref="CsrFormatException"/> with a precise message on any defect.</summary>
    public static Pkcs10Request Parse(ReadOnlyMemory<byte> der)
    {
        if (der.IsEmpty)
        {
            throw new CsrFormatException("CSR is empty");
        }

        if (der.Length > MaxSizeBytes)
        {
            throw new CsrFormatException($"CSR is too large: {der.Length} bytes, the limit is {MaxSizeBytes} bytes (64 KiB)");
        }

        return ParseCore(der.ToArray());
    }

    /// <summary>Like <see cref="Parse"/>, but returns false with the message instead of throwing.</summary>
    public static bool TryParse(
        ReadOnlyMemory<byte> der,
        [NotNullWhen(true)] out Pkcs10Request? request,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            request = Parse(der);
            error = null;
            return true;
        }
        catch (CsrFormatException ex)
        {
            request = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// Decodes a CSR given as PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST", text around the block allowed) or as bare
    /// base64 (whitespace allowed) into DER. Throws <see cref="CsrFormatException"/> on anything else.
    /// </summary>
    public static byte[] DecodePem(string pemOrBase64)
    {
        ArgumentNullException.ThrowIfNull(pemOrBase64);
        if (pemOrBase64.Length > MaxPemLength)
        {
            throw new CsrFormatException($"CSR text is too long: {pemOrBase64.Length} characters, the limit is {MaxPemLength}");
        }

        var text = pemOrBase64.AsSpan();
        byte[] der;
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(text, out var fields))
            {
                throw new CsrFormatException("CSR PEM is malformed: no complete, matching BEGIN/END block with valid base64");
            }

            var label = text[fields.Label];
            if (!label.SequenceEqual(PemLabel) && !label.SequenceEqual(LegacyPemLabel))
            {
                throw new CsrFormatException(
                    $"CSR PEM label is '{label}', expected '{PemLabel}' or '{LegacyPemLabel}'");
            }

            if (text[fields.Location.End..].Contains("-----BEGIN", StringComparison.Ordinal))
            {
                throw new CsrFormatException("CSR PEM contains more than one block");
            }

            der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw new CsrFormatException("CSR PEM base64 is malformed");
            }
        }
        else
        {
            try
            {
                der = Convert.FromBase64String(pemOrBase64);
            }
            catch (FormatException ex)
            {
                throw new CsrFormatException("CSR is neither PEM nor valid base64", ex);
            }
        }

        if (der.Length == 0)
        {
            throw new CsrFormatException("CSR is empty");
        }

        if (der.Length > MaxSizeBytes)
        {
            throw new CsrFormatException($"CSR is too large: {der.Length} bytes, the limit is {MaxSizeBytes} bytes (64 KiB)");
        }

        return der;
    }

    /// <summary>
    /// Checks the signature over certificationRequestInfo with the request's own key (proof of possession). Returns false,
    /// never throws, for unsupported or refused algorithms, a key that does not match the algorithm, a key the platform cannot
    /// import (e.g. an EC point not on its curve) and any bad signature.
    /// </summary>
    public bool VerifySignature()
    {
        var cached = Volatile.Read(ref _verification);
        if (cached != 0)
        {
            return cached == 1;
        }

        var valid = VerifyCore();
        Volatile.Write(ref _verification, valid ? 1 : 2);
        return valid;
    }

    private bool VerifyCore()
    {
        try
        {
            switch (_scheme.Kind)
            {
                case CsrSignatureKind.Ecdsa:
                {
                    if (Key.Algorithm != PublicKeyDescription.Ec)
                    {
                        return false;
                    }

                    // OpenSSL's EC functions directly where they apply: the BCL's key import costs more than the verification (EcdsaVerifier).
                    if (EcdsaVerifier.TryVerify(Key.Curve, _subjectPublicKey.Span, _scheme.Hash, _signedData.Span, _signature.Span) is { } verified)
                    {
                        return verified;
                    }
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
                    return ecdsa.VerifyData(_signedData.Span, _signature.Span, _scheme.Hash, DSASignatureFormat.Rfc3279DerSequence);
                }

                case CsrSignatureKind.RsaPkcs1:
                case CsrSignatureKind.RsaPss:
                {
                    if (Key.Algorithm != PublicKeyDescription.Rsa)
                    {
                        return false;
                    }

                    using var rsa = RSA.Create();
                    // RSAPublicKey rather than the SPKI, so keys marked id-RSASSA-PSS import too.
                    rsa.ImportRSAPublicKey(_subjectPublicKey.Span, out _);
                    var padding = _scheme.Kind == CsrSignatureKind.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return rsa.VerifyData(_signedData.Span, _signature.Span, _scheme.Hash, padding);
                }

                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // Malformed signature or key, a point not on its curve, a curve or key size the platform does not support.
            return false;
        }
    }

    private static Pkcs10Request ParseCore(byte[] der)
    {
        var where = "CertificationRequest";
        try
        {
            var outer = new AsnReader(der, CsrAsn.Rules);
            CsrAsn.Expect(outer, Asn1Tag.Sequence, "CSR (CertificationRequest)");
            var outerLength = outer.PeekEncodedValue().Length;
            if (outerLength != der.Length)
            {
                throw new CsrFormatException($"trailing data after CSR: {der.Length - outerLength} bytes after the CertificationRequest SEQUENCE");
            }

            var request = outer.ReadSequence();

            where = "certificationRequestInfo";
            CsrAsn.Expect(request, Asn1Tag.Sequence, "certificationRequestInfo");
            var signedData = request.PeekEncodedValue();
            var info = request.ReadSequence();

            where = "signatureAlgorithm";
            var signatureOid = CsrAsn.ReadAlgorithmIdentifier(request, "signatureAlgorithm", out var signatureParameters);
            var scheme = CsrSignatureScheme.From(signatureOid, signatureParameters);

            where = "signature";
            CsrAsn.Expect(request, Asn1Tag.PrimitiveBitString, "signature");
            if (!request.TryReadPrimitiveBitString(out var unusedBits, out var signature) || unusedBits != 0)
            {
                throw new CsrFormatException("CSR is malformed: signature BIT STRING must be a whole number of bytes");
            }

            CsrAsn.ExpectEnd(request, "the signature");

            where = "version";
            if (info.HasData && info.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                throw new CsrFormatException("CSR is an X.509 certificate, not a PKCS#10 certificate request");
            }

            CsrAsn.Expect(info, Asn1Tag.Integer, "version");
            if (!info.TryReadInt32(out var version))
            {
                throw new CsrFormatException("CSR version must be 0 (v1), found a number out of range");
            }

            if (version != 0)
            {
                throw new CsrFormatException($"CSR version must be 0 (v1), found {version}");
            }

            where = "subject";
            var subject = CsrNames.ReadName(info, "subject", out var subjectText);

            where = "subjectPublicKeyInfo";
            CsrAsn.Expect(info, Asn1Tag.Sequence, "subjectPublicKeyInfo");
            var spki = info.PeekEncodedValue();
            var spkiReader = info.ReadSequence();
            var keyAlgorithm = CsrAsn.ReadAlgorithmIdentifier(spkiReader, "subjectPublicKeyInfo algorithm", out var keyParameters);
            CsrAsn.Expect(spkiReader, Asn1Tag.PrimitiveBitString, "subjectPublicKey");
            if (!spkiReader.TryReadPrimitiveBitString(out unusedBits, out var publicKey) || unusedBits != 0)
            {
                throw new CsrFormatException("CSR is malformed: subjectPublicKey BIT STRING must be a whole number of bytes");
            }

            CsrAsn.ExpectEnd(spkiReader, "subjectPublicKey");
            var key = CsrPublicKey.Describe(keyAlgorithm, keyParameters, publicKey);

            where = "attributes";
            IReadOnlyList<SubjectAltNameEntry> subjectAltNames = [];
            IReadOnlyList<RequestedExtension> extensions = [];
            string? challengePassword = null;

            // RFC 2986 makes [0] attributes mandatory; it is accepted when absent (as OpenSSL and others do) and read as empty.
            var attributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (info.HasData)
            {
                CsrAsn.Expect(info, attributesTag, "attributes");
                var attributes = info.ReadSetOf(attributesTag);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (attributes.HasData)
                {
                    CsrAsn.Expect(attributes, Asn1Tag.Sequence, "attribute");
                    var attribute = attributes.ReadSequence();
                    CsrAsn.Expect(attribute, Asn1Tag.ObjectIdentifier, "attribute type");
                    var type = attribute.ReadObjectIdentifier();
                    where = $"attribute {type}";
                    if (!seen.Add(type))
                    {
                        throw new CsrFormatException($"CSR is malformed: attribute {type} appears more than once");
                    }

                    CsrAsn.Expect(attribute, Asn1Tag.SetOf, $"attribute {type} values");
                    var values = attribute.ReadSetOf();
                    CsrAsn.ExpectEnd(attribute, $"attribute {type} values");
                    if (!values.HasData)
                    {
                        throw new CsrFormatException($"CSR is malformed: attribute {type} has no values");
                    }

                    switch (type)
                    {
                        case Oids.ExtensionRequest:
                            extensions = ReadExtensions(values, ref where, out subjectAltNames);
                            ExpectSingleValue(values, "extensionRequest");
                            break;

                        case Oids.ChallengePassword:
                            challengePassword = ReadChallengePassword(values);
                            ExpectSingleValue(values, "challengePassword");
                            break;

                        default:
                            while (values.HasData)
                            {
                                values.ReadEncodedValue();
                            }

                            break;
                    }

                    where = "attributes";
                }

                CsrAsn.ExpectEnd(info, "attributes");
            }

            return new Pkcs10Request(
                der,
                signedData,
                signature,
                subject.ToArray(),
                subjectText,
                spki.ToArray(),
                key,
                publicKey,
                subjectAltNames,
                extensions,
                challengePassword,
                signatureOid,
                scheme);
        }
        catch (AsnContentException ex)
        {
            throw new CsrFormatException($"CSR is not DER: {ex.Message} (in {where})", ex);
        }
    }

    // Extensions ::= SEQUENCE OF Extension; Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    private static RequestedExtension[] ReadExtensions(AsnReader values, ref string where, out IReadOnlyList<SubjectAltNameEntry> subjectAltNames)
    {
        subjectAltNames = [];
        CsrAsn.Expect(values, Asn1Tag.Sequence, "extensionRequest value");
        var sequence = values.ReadSequence();
        var result = new List<RequestedExtension>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (sequence.HasData)
        {
            CsrAsn.Expect(sequence, Asn1Tag.Sequence, "requested extension");
            var extension = sequence.ReadSequence();
            CsrAsn.Expect(extension, Asn1Tag.ObjectIdentifier, "requested extension extnID");
            var oid = extension.ReadObjectIdentifier();
            where = $"extension {oid}";
            if (!seen.Add(oid))
            {
                throw new CsrFormatException($"CSR is malformed: extension {oid} is requested more than once");
            }

            // An explicit FALSE is not DER (DEFAULT values are omitted) but is common and harmless: accepted.
            var critical = extension.HasData && extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            CsrAsn.Expect(extension, Asn1Tag.PrimitiveOctetString, $"extension {oid} extnValue");
            var value = extension.ReadOctetString();
            CsrAsn.ExpectEnd(extension, $"extension {oid} extnValue");
            CsrAsn.ExpectSingleElement(value, $"extension {oid} extnValue");

            if (oid == Oids.SubjectAltName)
            {
                subjectAltNames = CsrNames.ReadSubjectAltNames(value);
            }

            result.Add(new RequestedExtension(oid, critical, value));
        }

        return [.. result];
    }

    // challengePassword ::= DirectoryString (SIZE (1..255)): TeletexString, PrintableString, UniversalString, UTF8String or BMPString.
    private static string ReadChallengePassword(AsnReader values)
    {
        var tag = values.PeekTag();
        var number = (UniversalTagNumber)tag.TagValue;
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed || number is not (
                UniversalTagNumber.T61String or UniversalTagNumber.PrintableString or UniversalTagNumber.UniversalString or
                UniversalTagNumber.UTF8String or UniversalTagNumber.BMPString))
        {
            throw new CsrFormatException($"CSR is malformed: challengePassword must be a DirectoryString, found {CsrAsn.Describe(tag)}");
        }

        var password = CsrAsn.ReadString(values, number, "challengePassword");
        if (password.Length is 0 or > 255)
        {
            throw new CsrFormatException($"CSR is malformed: challengePassword must be 1 to 255 characters, found {password.Length}");
        }

        return password;
    }

    private static void ExpectSingleValue(AsnReader values, string what)
    {
        if (values.HasData)
        {
            throw new CsrFormatException($"CSR is malformed: attribute {what} must have exactly one value");
        }
    }
}
