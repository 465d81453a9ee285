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

    /// <summary>
    /// EnvelopedData (as a ContentInfo) of <paramref name="content"/> for <paramref name="recipient"/>'s key: RSA key
    /// transport (PKCS#1 v1.5) for an RSA key, ephemeral-static ECDH key agreement for an EC key (RFC 5753).
    /// </summary>
    public static byte[] Seal(byte[] content, X509Certificate2 recipient, ScepContentCipher cipher)
    {
        using var ec = recipient.GetECDsaPublicKey();
        if (ec is not null) return SealForKeyAgreement(content, recipient, cipher);
        using var rsa = recipient.GetRSAPublicKey()
            ?? throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "The requester's certificate has neither an RSA nor an EC key to encrypt the answer to.");
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

    /// <summary>
    /// The answer to a requester that signs with an EC key (RFC 8894 §3.5.2 allows any CMS recipient type): a
    /// KeyAgreeRecipientInfo (RFC 5753) with a fresh ephemeral key on the recipient's curve,
    /// dhSinglePass-stdDH-sha256kdf-scheme, and AES key wrap of the content key. Built by hand on System.Security.Cryptography
    /// (ECDH, SHA-256) and BouncyCastle's AES key-wrap engine: BouncyCastle's own CMS generator derives a key-encryption
    /// key OpenSSL does not (tested), so the KDF input (ECC-CMS-SharedInfo) is written here exactly as RFC 5753 §7.2 says.
    /// Single DES is not offered for it (no EC client is old enough to need it).
    /// </summary>
    private static byte[] SealForKeyAgreement(byte[] content, X509Certificate2 recipient, ScepContentCipher cipher)
    {
        if (cipher.IsSingleDes)
            throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "An answer to an EC key is not encrypted with single DES; use AES.");
        using var recipientKey = recipient.GetECDiffieHellmanPublicKey()
            ?? throw new ScepMessageException(Common.ScepFailInfo.BadAlg, "The requester's EC key cannot be used for key agreement.");
        var curve = recipientKey.ExportParameters(includePrivateParameters: false).Curve;
        using var ephemeral = ECDiffieHellman.Create(curve);
        var wrapOid = cipher.KeySize > 16 ? Oids.Aes256Wrap : Oids.Aes128Wrap;
        var wrapKeyBytes = cipher.KeySize > 16 ? 32 : 16;
        var wrapAlgorithm = new AlgorithmIdentifier(new DerObjectIdentifier(wrapOid));
        var z = ephemeral.DeriveRawSecretAgreement(recipientKey.PublicKey);
        var key = cipher.NewKey();
        var iv = cipher.NewIv();
        byte[]? kek = null;
        try
        {
            kek = X963Kdf(z, SharedInfo(wrapAlgorithm, wrapKeyBytes * 8), wrapKeyBytes);
            var wrapper = new Org.BouncyCastle.Crypto.Engines.AesWrapEngine();
            wrapper.Init(true, new Org.BouncyCastle.Crypto.Parameters.KeyParameter(kek));
            var wrapped = wrapper.Wrap(key, 0, key.Length);

            var bcRecipient = X509CertificateStructure.GetInstance(recipient.RawData);
            var ephemeralSpki = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(ephemeral.PublicKey.ExportSubjectPublicKeyInfo()));
            var originator = new OriginatorIdentifierOrKey(new OriginatorPublicKey(ephemeralSpki.Algorithm, ephemeralSpki.PublicKey.GetBytes()));
            var recipientKeyId = new KeyAgreeRecipientIdentifier(new Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber(bcRecipient.Issuer, bcRecipient.SerialNumber));
            var agreement = new KeyAgreeRecipientInfo(originator, null,
                new AlgorithmIdentifier(new DerObjectIdentifier(Oids.DhSinglePassStdDhSha256Kdf), wrapAlgorithm),
                new DerSequence(new RecipientEncryptedKey(recipientKeyId, new DerOctetString(wrapped))));
            var encrypted = new EncryptedContentInfo(new DerObjectIdentifier(Oids.Data),
                new AlgorithmIdentifier(new DerObjectIdentifier(cipher.Oid), new DerOctetString(iv)),
                new BerOctetString(cipher.Encrypt(key, iv, content)));
            var enveloped = new EnvelopedData(null, new DerSet(new RecipientInfo(agreement)), encrypted, (Asn1Set?)null);
            return new ContentInfo(new DerObjectIdentifier(Oids.EnvelopedData), enveloped).GetEncoded(Asn1Encodable.Der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(z);
            if (kek is not null) CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>ECC-CMS-SharedInfo (RFC 5753 §7.2): the key-wrap algorithm and the key-encryption key's length in bits.</summary>
    private static byte[] SharedInfo(AlgorithmIdentifier wrapAlgorithm, int keyBits)
    {
        var bits = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bits, keyBits);
        return new DerSequence(wrapAlgorithm, new DerTaggedObject(true, 2, new DerOctetString(bits))).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>ANSI X9.63 KDF with SHA-256: SHA-256(Z || counter || sharedInfo) for counter 1, 2, ..., truncated to <paramref name="length"/>.</summary>
    private static byte[] X963Kdf(byte[] z, byte[] sharedInfo, int length)
    {
        var output = new byte[length];
        var input = new byte[z.Length + 4 + sharedInfo.Length];
        z.CopyTo(input, 0);
        sharedInfo.CopyTo(input, z.Length + 4);
        for (int counter = 1, offset = 0; offset < length; counter++, offset += 32)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(z.Length, 4), counter);
            var block = SHA256.HashData(input);
            block.AsSpan(0, Math.Min(32, length - offset)).CopyTo(output.AsSpan(offset));
        }
        CryptographicOperations.ZeroMemory(input);
        return output;
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
