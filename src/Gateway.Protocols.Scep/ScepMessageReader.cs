using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Protocols.Common;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// Reads a SCEP pkiMessage (RFC 8894 §3): CMS SignedData with one signer whose certificate is inside, signed attributes
/// messageType, transactionID and senderNonce, a signature that verifies, and (for every request type) a
/// pkcsPKIEnvelope encrypted to the RA. BouncyCastle parses the CMS; nothing here trusts the signer yet: that is the
/// caller's decision (self-signed for a first request, a gateway certificate for a renewal).
/// </summary>
internal static class ScepMessageReader
{
    public const int MinNonceLength = 8;
    public const int MaxNonceLength = 64;
    public const int MaxTransactionIdLength = 128;

    public static ScepReadResult Read(byte[] message, IScepRa ra, bool allowSingleDes, bool allowTripleDes = true)
    {
        CmsSignedData signed;
        SignerInformation signer;
        BcCertificate signerCertificate;
        try
        {
            signed = new CmsSignedData(message);
            var signers = signed.GetSignerInfos().GetSigners();
            if (signers.Count != 1) return Broken($"A pkiMessage has exactly one signer; this one has {signers.Count}.");
            signer = signers.First();
            var matches = signed.GetCertificates().EnumerateMatches(signer.SignerID).ToList();
            if (matches.Count == 0) return Broken("The signer's certificate is not in the pkiMessage.");
            signerCertificate = matches[0];
        }
        catch (Exception ex) when (ex is CmsException or ArgumentException or IOException or InvalidCastException or InvalidOperationException
                                       or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            return Broken("The message is not a CMS SignedData: " + ex.Message);
        }

        X509Certificate2 signerCertificate2;
        try
        {
            signerCertificate2 = X509CertificateLoader.LoadCertificate(signerCertificate.GetEncoded());
        }
        catch (CryptographicException ex)
        {
            return Broken("The signer's certificate does not parse: " + ex.Message);
        }

        var attributes = signer.SignedAttributes;
        if (attributes is null) return Broken("The pkiMessage has no signed attributes.");
        var transactionId = ReadPrintable(attributes[new DerObjectIdentifier(Oids.ScepTransactionId)]);
        var senderNonce = ReadOctets(attributes[new DerObjectIdentifier(Oids.ScepSenderNonce)]);
        if (transactionId is null || transactionId.Length is 0 or > MaxTransactionIdLength)
            return Broken($"The transactionID attribute is missing or not a PrintableString of 1 to {MaxTransactionIdLength} characters.");
        if (senderNonce is null || senderNonce.Length is < MinNonceLength or > MaxNonceLength)
            return Broken($"The senderNonce attribute is missing or not {MinNonceLength} to {MaxNonceLength} octets.");

        var digest = DigestName(signer.DigestAlgorithmID.Algorithm.Id);
        // A failure must still be signed with some digest: an unknown one is answered with SHA-256.
        var transaction = new ScepTransaction(transactionId, senderNonce, signerCertificate2, digest ?? HashAlgorithmName.SHA256);
        if (digest is null) return Fail(transaction, ScepFailInfo.BadAlg, $"Digest algorithm {signer.DigestAlgorithmID.Algorithm.Id} is not supported (SHA-1, SHA-256, SHA-384, SHA-512).");

        var envelope = Content(signed);
        var signatureProblem = VerifySignature(signer, attributes, envelope, signerCertificate2, digest.Value);
        if (signatureProblem is not null) return Fail(transaction, signatureProblem.Value.FailInfo, signatureProblem.Value.Error);

        var typeText = ReadPrintable(attributes[new DerObjectIdentifier(Oids.ScepMessageType)]);
        if (typeText is null || !int.TryParse(typeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var typeNumber)
            || !Enum.IsDefined((ScepMessageType)typeNumber) || (ScepMessageType)typeNumber == ScepMessageType.CertRep)
            return Fail(transaction, ScepFailInfo.BadRequest, $"messageType '{typeText}' is not a SCEP request type.");
        var type = (ScepMessageType)typeNumber;
        if (type == ScepMessageType.UpdateReq)
            return Fail(transaction, ScepFailInfo.BadRequest, "UpdateReq (messageType 18) is obsolete; use RenewalReq.");

        if (envelope.Length == 0)
            return Fail(transaction, ScepFailInfo.BadMessageCheck, "The pkiMessage carries no pkcsPKIEnvelope.");
        try
        {
            var (data, cipher) = ScepEnvelope.Open(envelope, ra, allowSingleDes, allowTripleDes);
            return ScepReadResult.Success(new ScepRequest(type, transaction, data, cipher));
        }
        catch (ScepMessageException ex)
        {
            return Fail(transaction, ex.FailInfo, ex.Message);
        }
    }

    /// <summary>
    /// Checks the SignerInfo with System.Security.Cryptography (BouncyCastle's managed check costs some 20 ms here): the
    /// messageDigest attribute against the content's digest, contentType data, the signature over the DER signed
    /// attributes with the signer certificate's RSA or ECDSA key, and the certificate's validity at signingTime.
    /// </summary>
    private static (ScepFailInfo FailInfo, string Error)? VerifySignature(SignerInformation signer, Org.BouncyCastle.Asn1.Cms.AttributeTable attributes,
        byte[] content, X509Certificate2 certificate, HashAlgorithmName digest)
    {
        var messageDigest = ReadOctets(attributes[new DerObjectIdentifier(Oids.MessageDigest)]);
        if (messageDigest is null) return (ScepFailInfo.BadMessageCheck, "The messageDigest signed attribute is missing.");
        if (!CryptographicOperations.FixedTimeEquals(messageDigest, Hash(digest, content)))
            return (ScepFailInfo.BadMessageCheck, "The messageDigest does not match the content.");
        if (attributes[new DerObjectIdentifier(Oids.ContentType)]?.AttrValues is not { Count: 1 } contentType
            || contentType[0] is not DerObjectIdentifier { Id: Oids.Data })
            return (ScepFailInfo.BadMessageCheck, "The contentType signed attribute must be id-data.");

        if (attributes[new DerObjectIdentifier(Oids.SigningTime)]?.AttrValues is { Count: 1 } times)
        {
            DateTime? signingTime = times[0] switch
            {
                Asn1UtcTime utc => utc.ToDateTime(2049),
                Asn1GeneralizedTime generalized => generalized.ToDateTime(),
                _ => null,
            };
            if (signingTime is { } at && (at < certificate.NotBefore.ToUniversalTime() || at > certificate.NotAfter.ToUniversalTime()))
                return (ScepFailInfo.BadTime, "The signer's certificate was not valid at the message's signingTime.");
        }

        var signedAttributes = signer.GetEncodedSignedAttributes();
        var signature = signer.GetSignature();
        var algorithm = signer.SignatureAlgorithm.Algorithm.Id;
        try
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null)
            {
                var padding = algorithm == Oids.RsassaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                return rsa.VerifyData(signedAttributes, signature, digest, padding) ? null : (ScepFailInfo.BadMessageCheck, "The pkiMessage signature does not verify.");
            }
            using var ecdsa = certificate.GetECDsaPublicKey();
            if (ecdsa is not null)
            {
                return ecdsa.VerifyData(signedAttributes, signature, digest, DSASignatureFormat.Rfc3279DerSequence)
                    ? null : (ScepFailInfo.BadMessageCheck, "The pkiMessage signature does not verify.");
            }
        }
        catch (CryptographicException ex)
        {
            return (ScepFailInfo.BadMessageCheck, "The pkiMessage signature cannot be checked: " + ex.Message);
        }
        return (ScepFailInfo.BadAlg, "The signer's key is neither RSA nor ECDSA.");
    }

    private static byte[] Hash(HashAlgorithmName digest, byte[] data) => digest.Name switch
    {
        "SHA1" => SHA1.HashData(data),
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => SHA256.HashData(data),
    };

    private static byte[] Content(CmsSignedData signed)
    {
        if (signed.SignedContent is null) return [];
        using var buffer = new MemoryStream();
        signed.SignedContent.Write(buffer);
        return buffer.ToArray();
    }

    private static ScepReadResult Broken(string error) => new(null, null, ScepFailInfo.BadMessageCheck, error);

    private static ScepReadResult Fail(ScepTransaction transaction, ScepFailInfo failInfo, string error) => new(null, transaction, failInfo, error);

    private static HashAlgorithmName? DigestName(string oid) => oid switch
    {
        Oids.Sha1 => HashAlgorithmName.SHA1,
        Oids.Sha256 => HashAlgorithmName.SHA256,
        Oids.Sha384 => HashAlgorithmName.SHA384,
        Oids.Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static string? ReadPrintable(BcAttribute? attribute) =>
        attribute?.AttrValues is { Count: 1 } values && values[0] is DerPrintableString printable ? printable.GetString() : null;

    private static byte[]? ReadOctets(BcAttribute? attribute) =>
        attribute?.AttrValues is { Count: 1 } values && values[0] is Asn1OctetString octets ? octets.GetOctets() : null;
}
