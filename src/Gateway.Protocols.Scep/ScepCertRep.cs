using System.Security.Cryptography;
using Gateway.Protocols.Common;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Utilities.Collections;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// Builds CertRep messages (RFC 8894 §3.3.2): SignedData signed by the RA with the signed attributes transactionID,
/// messageType 3, pkiStatus, failInfo (on FAILURE), senderNonce and recipientNonce (the request's senderNonce); the RA
/// certificate inside; on SUCCESS the content is an EnvelopedData to the requester's certificate, else absent.
/// BouncyCastle's CMS generator writes the structure (SignedCms will not sign absent content); the RA signs.
/// </summary>
internal static class ScepCertRep
{
    public static byte[] Success(ScepTransaction transaction, IScepRa ra, byte[] envelopedData) =>
        Build(transaction, ra, ScepPkiStatus.Success, null, envelopedData);

    public static byte[] Pending(ScepTransaction transaction, IScepRa ra) => Build(transaction, ra, ScepPkiStatus.Pending, null, null);

    public static byte[] Failure(ScepTransaction transaction, IScepRa ra, ScepFailInfo failInfo) => Build(transaction, ra, ScepPkiStatus.Failure, failInfo, null);

    private static byte[] Build(ScepTransaction transaction, IScepRa ra, ScepPkiStatus status, ScepFailInfo? failInfo, byte[]? content)
    {
        var attributes = new Dictionary<DerObjectIdentifier, object>
        {
            [new DerObjectIdentifier(Oids.ScepTransactionId)] = Attribute(Oids.ScepTransactionId, new DerPrintableString(transaction.TransactionId)),
            [new DerObjectIdentifier(Oids.ScepMessageType)] = Attribute(Oids.ScepMessageType, Number((int)ScepMessageType.CertRep)),
            [new DerObjectIdentifier(Oids.ScepPkiStatus)] = Attribute(Oids.ScepPkiStatus, Number((int)status)),
            [new DerObjectIdentifier(Oids.ScepSenderNonce)] = Attribute(Oids.ScepSenderNonce, new DerOctetString(RandomNumberGenerator.GetBytes(16))),
            [new DerObjectIdentifier(Oids.ScepRecipientNonce)] = Attribute(Oids.ScepRecipientNonce, new DerOctetString(transaction.SenderNonce)),
        };
        if (failInfo is { } info)
            attributes[new DerObjectIdentifier(Oids.ScepFailInfo)] = Attribute(Oids.ScepFailInfo, Number((int)info));

        var raCertificate = new BcCertificate(ra.SigningCertificate.RawData);
        var digest = transaction.Digest == HashAlgorithmName.SHA1 ? HashAlgorithmName.SHA256 : transaction.Digest;
        var generator = new CmsSignedDataGenerator();
        generator.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder()
            .WithSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new Org.BouncyCastle.Asn1.Cms.AttributeTable(attributes)))
            .Build(new RaSignatureFactory(ra, digest), raCertificate));
        generator.AddCertificates(CollectionUtilities.CreateStore(new[] { raCertificate }));

        // SUCCESS carries the envelope; FAILURE and PENDING carry no content (eContent absent, digest of nothing).
        var signed = content is null
            ? generator.Generate(new CmsProcessableByteArray([]), encapsulate: false)
            : generator.Generate(new CmsProcessableByteArray(content), encapsulate: true);
        return signed.GetEncoded(Asn1Encodable.Der);
    }

    private static BcAttribute Attribute(string oid, Asn1Encodable value) => new(new DerObjectIdentifier(oid), new DerSet(value));

    private static DerPrintableString Number(int value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Lets BouncyCastle's SignerInfo generator sign through the RA (sha*WithRSAEncryption).</summary>
    private sealed class RaSignatureFactory(IScepRa ra, HashAlgorithmName hash) : ISignatureFactory
    {
        public object AlgorithmDetails { get; } = new AlgorithmIdentifier(new DerObjectIdentifier(hash.Name switch
        {
            "SHA384" => Oids.Sha384WithRsa,
            "SHA512" => Oids.Sha512WithRsa,
            _ => Oids.Sha256WithRsa,
        }), DerNull.Instance);

        public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(ra, hash);

        private sealed class Calculator(IScepRa ra, HashAlgorithmName hash) : IStreamCalculator<IBlockResult>
        {
            private readonly MemoryStream _buffer = new();

            public Stream Stream => _buffer;

            public IBlockResult GetResult() => new Org.BouncyCastle.Crypto.SimpleBlockResult(ra.Sign(_buffer.ToArray(), hash));
        }
    }
}
