using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.X509;

namespace Gateway.Protocols.Cmp;

/// <summary>How a request was authenticated: the requester, the scope its transactionIDs live in, and what protects the answer.</summary>
internal sealed record CmpAuthentication(
    Requester Requester,
    string Scope,
    byte[]? MacKey = null,
    AlgorithmIdentifier? MacAlgorithm = null,
    X509Certificate2? Signer = null,
    string? SignerSerial = null,
    bool GatewayIssuedSigner = false)
{
    public bool IsMac => MacKey is not null;
}

/// <summary>One request/response exchange: the request's header values the answer echoes, and the authentication once known.</summary>
internal sealed class CmpExchange(PkiMessage? request, Common.EnrollmentProfile profile)
{
    public Common.EnrollmentProfile Profile { get; } = profile;

    public PkiMessage? Request { get; } = request;

    public PkiHeader? Header => Request?.Header;

    public int BodyType => Request?.Body.Type ?? -1;

    /// <summary>pvno of the answer: the request's when it is 2 or 3, else 2.</summary>
    public int Pvno => Header?.Pvno.IntValueExact is 3 ? 3 : PkiHeader.CMP_2000;

    public byte[]? TransactionId => Header?.TransactionID?.GetOctets();

    public byte[]? SenderNonce => Header?.SenderNonce?.GetOctets();

    public GeneralName? Sender => Header?.Sender;

    public byte[]? SenderKid => Header?.SenderKID?.GetOctets();

    public CmpAuthentication? Authentication { get; set; }

    /// <summary>Whether the client asked for implicit confirmation (id-it-implicitConfirm in generalInfo).</summary>
    public bool AsksImplicitConfirm =>
        Header?.GetGeneralInfo()?.Any(i => CmpObjectIdentifiers.it_implicitConfirm.Equals(i.InfoType)) == true;

    /// <summary>The enrollment's transaction id: the client's transactionID (hex) in the scope of whoever authenticated it.</summary>
    public string TransactionKey => Authentication!.Scope + ":" + Convert.ToHexStringLower(TransactionId!);

    /// <summary>
    /// The extraCerts as certificates (the first is the protection certificate when signature-protected), read from the
    /// raw [1] field: BouncyCastle's CMPCertificate refuses v1 certificates, which some device certificates still are.
    /// </summary>
    public IReadOnlyList<X509Certificate2> ExtraCerts()
    {
        if (Request is null) return [];
        var list = new List<X509Certificate2>();
        foreach (var element in Asn1Sequence.GetInstance(Request.ToAsn1Object()))
        {
            if (element is not Asn1TaggedObject { TagNo: 1 } tagged) continue;
            foreach (var certificate in Asn1Sequence.GetInstance(tagged.GetExplicitBaseObject()))
            {
                try
                {
                    list.Add(X509CertificateLoader.LoadCertificate(certificate.GetEncoded(Asn1Encodable.Der)));
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    throw new CmpProblem(Common.CmpFailureInfo.BadDataFormat, "extraCerts holds something other than an X.509 certificate.");
                }
            }
        }
        return list;
    }
}
