using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using ContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// SCEP's pkcsPKIEnvelope: CMS EnvelopedData with RSA key transport (PKCS#1 v1.5 or OAEP) to the RA on the way in,
/// and to the requester's certificate on the way out. The RA's key never leaves <see cref="IScepRa"/>: this class reads
/// the structure with BouncyCastle's ASN.1 types, asks the RA to unwrap the content-encryption key, and decrypts.
/// </summary>
internal static class ScepEnvelope
{
    /// <summary>The decrypted content and the cipher it used; throws <see cref="ScepMessageException"/> with the failInfo to answer.</summary>
    public static (byte[] Content, ScepContentCipher Cipher) Open(byte[] envelopedDataDer, IScepRa ra, bool allowSingleDes, bool allowTripleDes = true)
    {
        EnvelopedData enveloped;
        try
        {
            var info = ContentInfo.GetInstance(Asn1Object.FromByteArray(envelopedDataDer));
            if (info.ContentType.Id != Oids.EnvelopedData)
                throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, $"The signed content is {info.ContentType.Id}, not EnvelopedData.");
            enveloped = EnvelopedData.GetInstance(info.Content);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, "The pkcsPKIEnvelope is not a DER EnvelopedData: " + ex.Message);
        }

        var encrypted = enveloped.EncryptedContentInfo;
        var cipher = ScepContentCipher.ForOid(encrypted.ContentEncryptionAlgorithm.Algorithm.Id)
            ?? throw new ScepMessageException(Common.ScepFailInfo.BadAlg,
                $"Content encryption {encrypted.ContentEncryptionAlgorithm.Algorithm.Id} is not supported (AES-128/192/256-CBC or 3DES-CBC).");
        if (cipher.IsSingleDes && !allowSingleDes)
            throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "Single DES is refused (Gateway:Scep:AllowSingleDes is off); use AES or 3DES.");
        if (cipher == ScepContentCipher.TripleDes && !allowTripleDes)
            throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "3DES is refused (Gateway:Scep:AllowTripleDes is off); use AES.");
        if (encrypted.EncryptedContent is null)
            throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, "The EnvelopedData carries no encrypted content.");
        var iv = ReadIv(encrypted.ContentEncryptionAlgorithm.Parameters, cipher);

        byte[]? key = null;
        var sawTransport = false;
        foreach (var element in enveloped.RecipientInfos)
        {
            if (RecipientInfo.GetInstance(element).Info is not KeyTransRecipientInfo transport) continue;
            sawTransport = true;
            if (!transport.RecipientIdentifier.IsTagged
                && Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber.GetInstance(transport.RecipientIdentifier.ID) is { } rid)
            {
                var padding = KeyTransportPadding(transport.KeyEncryptionAlgorithm);
                if (ra.TryDecryptKey(rid.Issuer.GetEncoded(Asn1Encodable.Der), rid.SerialNumber.Value.ToByteArrayUnsigned(),
                        transport.EncryptedKey.GetOctets(), padding, out var unwrapped))
                {
                    key = unwrapped;
                    break;
                }
            }
        }
        if (key is null)
        {
            throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, sawTransport
                ? "The envelope is not encrypted to this RA's current certificate (fetch GetCACert again)."
                : "The envelope has no RSA key-transport recipient.");
        }

        try
        {
            return (cipher.Decrypt(key, iv, encrypted.EncryptedContent.GetOctets()), cipher);
        }
        catch (CryptographicException)
        {
            // Same answer whatever went wrong, so the envelope is no padding oracle.
            throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, "The envelope does not decrypt.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>EnvelopedData (as a ContentInfo) of <paramref name="content"/> for <paramref name="recipient"/>'s RSA key (PKCS#1 v1.5 key transport).</summary>
    public static byte[] Seal(byte[] content, X509Certificate2 recipient, ScepContentCipher cipher)
    {
        using var rsa = recipient.GetRSAPublicKey()
            ?? throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "The requester's certificate has no RSA key to encrypt the answer to.");
        var key = cipher.NewKey();
        var iv = cipher.NewIv();
        try
        {
            var wrapped = rsa.Encrypt(key, RSAEncryptionPadding.Pkcs1);
            var bcRecipient = Org.BouncyCastle.Asn1.X509.X509CertificateStructure.GetInstance(recipient.RawData);
            var rid = new RecipientIdentifier(new Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber(bcRecipient.Issuer, bcRecipient.SerialNumber));
            var transport = new KeyTransRecipientInfo(rid,
                new AlgorithmIdentifier(new DerObjectIdentifier(Oids.RsaEncryption), DerNull.Instance), new DerOctetString(wrapped));
            var encrypted = new EncryptedContentInfo(new DerObjectIdentifier(Oids.Data),
                new AlgorithmIdentifier(new DerObjectIdentifier(cipher.Oid), new DerOctetString(iv)),
                new BerOctetString(cipher.Encrypt(key, iv, content)));
            var enveloped = new EnvelopedData(null, new DerSet(new RecipientInfo(transport)), encrypted, (Asn1Set?)null);
            return new ContentInfo(new DerObjectIdentifier(Oids.EnvelopedData), enveloped).GetEncoded(Asn1Encodable.Der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] ReadIv(Asn1Encodable? parameters, ScepContentCipher cipher)
    {
        if (parameters?.ToAsn1Object() is Asn1OctetString octets && octets.GetOctets().Length == cipher.BlockSize) return octets.GetOctets();
        throw new ScepMessageException(Common.ScepFailInfo.BadMessageCheck, $"{cipher.Name} parameters must be a {cipher.BlockSize}-byte IV.");
    }

    private static RSAEncryptionPadding KeyTransportPadding(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Algorithm.Id == Oids.RsaEncryption) return RSAEncryptionPadding.Pkcs1;
        if (algorithm.Algorithm.Id != Oids.RsaesOaep)
            throw new ScepMessageException(Common.ScepFailInfo.BadAlg, $"Key transport {algorithm.Algorithm.Id} is not supported (rsaEncryption or RSAES-OAEP).");
        var parameters = algorithm.Parameters is null ? new RsaesOaepParameters() : RsaesOaepParameters.GetInstance(algorithm.Parameters);
        var hash = parameters.HashAlgorithm.Algorithm.Id;
        var mgfHash = AlgorithmIdentifier.GetInstance(parameters.MaskGenAlgorithm.Parameters).Algorithm.Id;
        if (hash != mgfHash)
            throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "RSAES-OAEP with different hash and MGF1 hash is not supported.");
        return hash switch
        {
            Oids.Sha1 => RSAEncryptionPadding.OaepSHA1,
            Oids.Sha256 => RSAEncryptionPadding.OaepSHA256,
            Oids.Sha384 => RSAEncryptionPadding.OaepSHA384,
            Oids.Sha512 => RSAEncryptionPadding.OaepSHA512,
            _ => throw new ScepMessageException(Common.ScepFailInfo.BadAlg, $"RSAES-OAEP with hash {hash} is not supported."),
        };
    }
}
