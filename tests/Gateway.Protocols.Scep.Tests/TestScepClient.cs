using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities.Collections;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>A SCEP client for tests, written with BouncyCastle's CMS generators (independent of the code under test).</summary>
internal sealed class TestScepClient
{
    public TestScepClient(int keyBits = 2048, string subject = "CN=device-0001, O=Example, OU=MDM, C=DE")
    {
        Key = RSA.Create(keyBits);
        Subject = subject;
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        SelfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    public RSA Key { get; }

    public string Subject { get; }

    public X509Certificate2 SelfSigned { get; }

    public byte[] Csr(string? challenge = null)
    {
        var request = new CertificateRequest(Subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (challenge is not null)
        {
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, challenge);
            request.OtherRequestAttributes.Add(new AsnEncodedData("1.2.840.113549.1.9.7", writer.Encode()));
        }
        return request.CreateSigningRequest();
    }

    /// <summary>A pkiMessage of <paramref name="type"/> carrying <paramref name="messageData"/> encrypted to <paramref name="recipient"/>.</summary>
    public byte[] Message(ScepMessageType type, byte[] messageData, X509Certificate2 recipient, string transactionId, byte[] senderNonce,
        string contentCipherOid = "2.16.840.1.101.3.4.1.2", X509Certificate2? signer = null, RSA? signerKey = null, string digestOid = "2.16.840.1.101.3.4.2.1")
    {
        var enveloper = new CmsEnvelopedDataGenerator();
        enveloper.AddKeyTransRecipient(new BcCertificate(recipient.RawData));
        var enveloped = enveloper.Generate(new CmsProcessableByteArray(messageData), new DerObjectIdentifier(contentCipherOid)).GetEncoded();

        signer ??= SelfSigned;
        signerKey ??= Key;
        var bcSigner = new BcCertificate(signer.RawData);
        var attributes = new Dictionary<DerObjectIdentifier, object>
        {
            [new DerObjectIdentifier("2.16.840.1.113733.1.9.7")] = Attr("2.16.840.1.113733.1.9.7", new DerPrintableString(transactionId)),
            [new DerObjectIdentifier("2.16.840.1.113733.1.9.2")] = Attr("2.16.840.1.113733.1.9.2", new DerPrintableString(((int)type).ToString())),
            [new DerObjectIdentifier("2.16.840.1.113733.1.9.5")] = Attr("2.16.840.1.113733.1.9.5", new DerOctetString(senderNonce)),
        };
        var generator = new CmsSignedDataGenerator();
        var privateKey = DotNetUtilities.GetRsaKeyPair(signerKey.ExportParameters(true)).Private;
        generator.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder()
            .WithSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new Org.BouncyCastle.Asn1.Cms.AttributeTable(attributes)))
            .Build(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory(SignatureName(digestOid), privateKey), bcSigner));
        generator.AddCertificates(CollectionUtilities.CreateStore(new[] { bcSigner }));
        return generator.Generate(new CmsProcessableByteArray(enveloped), true).GetEncoded();
    }

    /// <summary>Reads a CertRep: verifies it with <paramref name="raCertificate"/>, returns its attributes and decrypted content (when present).</summary>
    public (string Status, string? FailInfo, byte[] RecipientNonce, string TransactionId, byte[]? Content) ReadCertRep(byte[] certRep, X509Certificate2 raCertificate, X509Certificate2? recipient = null, RSA? recipientKey = null)
    {
        var signed = new CmsSignedData(certRep);
        var signer = signed.GetSignerInfos().GetSigners().Single();
        if (!signer.Verify(new BcCertificate(raCertificate.RawData))) throw new InvalidOperationException("CertRep signature does not verify");
        string Printable(string oid) => ((DerPrintableString)signer.SignedAttributes[new DerObjectIdentifier(oid)].AttrValues[0]).GetString();
        var status = Printable("2.16.840.1.113733.1.9.3");
        var failInfo = signer.SignedAttributes[new DerObjectIdentifier("2.16.840.1.113733.1.9.4")] is null ? null : Printable("2.16.840.1.113733.1.9.4");
        var nonce = ((Asn1OctetString)signer.SignedAttributes[new DerObjectIdentifier("2.16.840.1.113733.1.9.6")].AttrValues[0]).GetOctets();
        byte[]? content = null;
        if (signed.SignedContent is not null)
        {
            using var buffer = new MemoryStream();
            signed.SignedContent.Write(buffer);
            var enveloped = new CmsEnvelopedData(buffer.ToArray());
            var recipientInfo = enveloped.GetRecipientInfos().GetRecipients().Single();
            var key = DotNetUtilities.GetRsaKeyPair((recipientKey ?? Key).ExportParameters(true)).Private;
            content = recipientInfo.GetContent(key);
        }
        return (status, failInfo, nonce, Printable("2.16.840.1.113733.1.9.7"), content);
    }

    private static BcAttribute Attr(string oid, Asn1Encodable value) => new(new DerObjectIdentifier(oid), new DerSet(value));

    private static string SignatureName(string digestOid) => digestOid switch
    {
        "1.3.14.3.2.26" => "SHA1WITHRSA",
        "2.16.840.1.101.3.4.2.3" => "SHA512WITHRSA",
        "1.2.840.113549.2.5" => "MD5WITHRSA",
        _ => "SHA256WITHRSA",
    };
}
