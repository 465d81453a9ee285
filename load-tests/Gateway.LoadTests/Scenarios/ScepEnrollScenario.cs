using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Formats.Asn1;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// SCEP PKCSReq (RFC 8894): <c>POST {base}/scep[/label]?operation=PKIOperation</c>, body a pkiMessage: SignedData
/// (SHA-256, signed attributes messageType 19, transactionID, senderNonce) over an EnvelopedData (AES-128-CBC to the
/// RA certificate GetCACert returns first) holding an RSA-2048 PKCS#10 with the challengePassword
/// <c>--scep-challenge</c>. Success is a CertRep signed by the RA with pkiStatus 0, recipientNonce equal to the
/// senderNonce, and an envelope that decrypts to a certificate for the CSR's key. Messages are built with the BCL's
/// SignedCms/EnvelopedCms off the clock; RSA key generation is slow, so requests share a pool of 32 keys, each with its
/// own transactionID and CN (the mdm-device profile allows key reuse as a development default).
/// </summary>
internal sealed class ScepEnrollScenario : Scenario
{
    private const int KeyPool = 32;
    private X509Certificate2 _ra = null!;
    private (RSA Key, X509Certificate2 Signer)[] _keys = [];

    public override string Name => "scep-enroll";

    public override string Description =>
        "SCEP: POST /scep?operation=PKIOperation PKCSReq (AES-128 envelope to the RA, SHA-256, RSA-2048, challengePassword) → CertRep SUCCESS with a certificate for the CSR's key";

    public override async Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(context.Options.ScepChallenge))
            throw new UsageException("scep-enroll needs --scep-challenge SECRET (the secret of a static enrollment credential for the profile)");
        var response = await context.Client.GetAsync(new Uri(context.Options.BaseUrls[0], Path(context) + "?operation=GetCACert"), ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var cms = new SignedCms();
        cms.Decode(body);
        _ra = cms.Certificates[0];
        _keys = Enumerable.Range(0, KeyPool).AsParallel().Select(i =>
        {
            var key = RSA.Create(2048);
            var signer = new CertificateRequest($"CN=load-scep-signer-{i}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
            return (key, signer);
        }).ToArray();
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context)
    {
        var (key, signer) = _keys[csr.Index % KeyPool];
        var cn = context.Options.CommonName ?? "load-scep-" + csr.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new CertificateRequest($"CN={cn}, O=Load Test, OU=MDM", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var challenge = new AsnWriter(AsnEncodingRules.DER);
        challenge.WriteCharacterString(UniversalTagNumber.PrintableString, context.Options.ScepChallenge!);
        request.OtherRequestAttributes.Add(new AsnEncodedData("1.2.840.113549.1.9.7", challenge.Encode()));
        var pkcs10 = request.CreateSigningRequest();

        var envelope = new EnvelopedCms(new ContentInfo(pkcs10), new AlgorithmIdentifier(new Oid("2.16.840.1.101.3.4.1.2")));
        envelope.Encrypt(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, _ra, RSAEncryptionPadding.Pkcs1));

        var signed = new SignedCms(new ContentInfo(envelope.Encode()));
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer, key) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1") };
        var nonce = RandomNumberGenerator.GetBytes(16);
        cmsSigner.SignedAttributes.Add(Printable("2.16.840.1.113733.1.9.2", "19"));
        cmsSigner.SignedAttributes.Add(Printable("2.16.840.1.113733.1.9.7", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));
        cmsSigner.SignedAttributes.Add(Octets("2.16.840.1.113733.1.9.5", nonce));
        signed.ComputeSignature(cmsSigner);
        // The nonce rides along after the message, so the timed part can check the recipientNonce without parsing its own request.
        return new PreparedRequest(cn, [.. signed.Encode(), .. nonce], key.ExportSubjectPublicKeyInfo());
    }

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        var message = request.Body.AsMemory(0, request.Body.Length - 16);
        var nonce = request.Body.AsSpan(request.Body.Length - 16).ToArray();
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, Path(context) + "?operation=PKIOperation"))
        {
            Content = new ReadOnlyMemoryContent(message),
        };
        post.Content.Headers.ContentType = PkiMessage;
        using var response = await context.Client.SendAsync(post, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);

        var certRep = new SignedCms();
        try
        {
            certRep.Decode(body);
            certRep.CheckSignature([_ra], verifySignatureOnly: true);
        }
        catch (CryptographicException ex)
        {
            return ScenarioOutcome.Failure("bad-certrep", "CertRep does not decode or verify: " + ex.Message);
        }
        var attributes = certRep.SignerInfos[0].SignedAttributes;
        var status = ReadPrintable(attributes, "2.16.840.1.113733.1.9.3");
        if (status != "0") return ScenarioOutcome.Failure("pkistatus-" + status, "failInfo " + ReadPrintable(attributes, "2.16.840.1.113733.1.9.4"));
        if (!nonce.AsSpan().SequenceEqual(ReadOctets(attributes, "2.16.840.1.113733.1.9.6")))
            return ScenarioOutcome.Failure("bad-nonce", "recipientNonce is not the request's senderNonce");

        var (key, signer) = _keys.First(k => k.Key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(request.SubjectPublicKeyInfo));
        var envelope = new EnvelopedCms();
        try
        {
            envelope.Decode(certRep.ContentInfo.Content);
            envelope.Decrypt(envelope.RecipientInfos[0], key);
        }
        catch (CryptographicException ex)
        {
            return ScenarioOutcome.Failure("bad-envelope", "CertRep envelope does not decrypt: " + ex.Message);
        }
        if (!CertificateCheck.TryReadCertsOnly(envelope.ContentInfo.Content, out var certificates, out var error)) return ScenarioOutcome.Failure("bad-pkcs7", error);
        if (!CertificateCheck.TryFindForKey(certificates, request.SubjectPublicKeyInfo, out var serial, out error))
            return ScenarioOutcome.Failure("wrong-certificate", error);
        return ScenarioOutcome.Success(serial);
    }

    public override Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct) =>
        context.Bearer is null
            ? Task.FromResult<VerificationResult?>(null)
            : IssuedSample.VerifyAsync(context, issued, sampleSize, ct);

    private static string Path(ScenarioContext context) => context.Options.ScepLabel is { } label ? "scep/" + label : "scep";

    private static AsnEncodedData Printable(string oid, string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, value);
        return new AsnEncodedData(oid, writer.Encode());
    }

    private static AsnEncodedData Octets(string oid, byte[] value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return new AsnEncodedData(oid, writer.Encode());
    }

    private static string? ReadPrintable(CryptographicAttributeObjectCollection attributes, string oid)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Oid.Value == oid) return new AsnReader(attribute.Values[0].RawData, AsnEncodingRules.BER).ReadCharacterString(UniversalTagNumber.PrintableString);
        }
        return null;
    }

    private static byte[] ReadOctets(CryptographicAttributeObjectCollection attributes, string oid)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Oid.Value == oid) return new AsnReader(attribute.Values[0].RawData, AsnEncodingRules.BER).ReadOctetString();
        }
        return [];
    }

    private static readonly MediaTypeHeaderValue PkiMessage = new("application/x-pki-message");
}
