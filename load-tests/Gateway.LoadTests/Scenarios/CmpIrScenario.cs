using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crmf;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// CMP ir (RFC 9810, Lightweight CMP RFC 9483) as <c>openssl cmp -cmd ir -ref -secret -implicit_confirm</c> sends it:
/// <c>POST {base}/.well-known/cmp</c>, <c>application/pkixcmp</c>, one CertReqMsg for a fresh P-256 key (subject and
/// dNSName SAN the pooled name, signature POP), PasswordBasedMac protection (SHA-256 OWF, 500 iterations as OpenSSL,
/// HMAC-SHA256) with an enrollment credential, and implicitConfirm asked. Success is an ip, MAC-protected with the same
/// secret, answering the request's senderNonce, status accepted, with a certificate for the request's key. Keys and
/// messages are built off the clock with BouncyCastle; the messageTime is set then, so a run must start within the
/// gateway's tolerance (10 min) of the pool being built.
/// </summary>
internal sealed class CmpIrScenario : Scenario
{
    private const int Iterations = 500;
    private static readonly MediaTypeHeaderValue PkixCmp = new("application/pkixcmp");
    private static readonly DerObjectIdentifier HmacSha256 = PkcsObjectIdentifiers.IdHmacWithSha256;

    public override string Name => "cmp-ir";

    public override string Description =>
        "CMP: POST /.well-known/cmp ir (P-256, signature POP, PBM-protected with a credential, implicitConfirm) → ip accepted with a certificate for the key";

    public override Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(context.Options.CmpReference) || string.IsNullOrEmpty(context.Options.CmpSecret))
            throw new UsageException("cmp-ir needs --cmp-credential ID:SECRET (an enrollment credential of the profile, without a use limit)");
        return Task.CompletedTask;
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context)
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetOid("P-256"), new SecureRandom()));
        var key = generator.GenerateKeyPair();
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key.Public);

        var request = new CertificateRequestMessageBuilder(Org.BouncyCastle.Math.BigInteger.Zero)
            .SetSubjectPublicKeyInfo(spki)
            .SetSubject(new X509Name("CN=" + csr.DnsName))
            .AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.DnsName, csr.DnsName)))
            .SetProofOfPossessionSignKeySigner(new Asn1SignatureFactory("SHA256WITHECDSA", key.Private))
            .Build();
        var body = new PkiBody(PkiBody.TYPE_INIT_REQ, new Org.BouncyCastle.Asn1.Crmf.CertReqMessages(request.ToAsn1Structure()));

        var nonce = RandomNumberGenerator.GetBytes(16);
        var pbm = new PbmParameter(RandomNumberGenerator.GetBytes(16), new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.IdSha256), Iterations,
            new AlgorithmIdentifier(HmacSha256, DerNull.Instance));
        var header = new PkiHeaderBuilder(PkiHeader.CMP_2000, new GeneralName(new X509Name("CN=" + csr.DnsName)), new GeneralName(X509Name.GetInstance(DerSequence.Empty)))
            .SetMessageTime(new Asn1GeneralizedTime(DateTime.UtcNow))
            .SetTransactionID(RandomNumberGenerator.GetBytes(16))
            .SetSenderNonce(nonce)
            .SetSenderKID(System.Text.Encoding.ASCII.GetBytes(context.Options.CmpReference!))
            .SetGeneralInfo(new InfoTypeAndValue(CmpObjectIdentifiers.it_implicitConfirm, DerNull.Instance))
            .SetProtectionAlg(new AlgorithmIdentifier(CmpObjectIdentifiers.passwordBasedMac, pbm))
            .Build();
        var protection = Mac(pbm, context.Options.CmpSecret!, new DerSequence(header, body).GetEncoded(Asn1Encodable.Der));
        var message = new PkiMessage(header, body, new DerBitString(protection)).GetEncoded(Asn1Encodable.Der);
        // The nonce rides along after the message, so the timed part can check recipNonce without parsing its own request.
        return new PreparedRequest(csr.DnsName, [.. message, .. nonce], spki.GetEncoded(Asn1Encodable.Der));
    }

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        var message = request.Body.AsMemory(0, request.Body.Length - 16);
        var nonce = request.Body.AsSpan(request.Body.Length - 16).ToArray();
        var path = context.Options.CmpLabel is { } label ? ".well-known/cmp/p/" + label : ".well-known/cmp";
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path)) { Content = new ReadOnlyMemoryContent(message) };
        post.Content.Headers.ContentType = PkixCmp;
        using var response = await context.Client.SendAsync(post, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);

        PkiMessage answer;
        try
        {
            answer = PkiMessage.GetInstance(Asn1Object.FromByteArray(bytes));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
        {
            return ScenarioOutcome.Failure("bad-pkimessage", "the answer is not a PKIMessage: " + ex.Message);
        }
        if (answer.Body.Type == PkiBody.TYPE_ERROR)
        {
            var error = ErrorMsgContent.GetInstance(answer.Body.Content).PkiStatusInfo;
            return ScenarioOutcome.Failure("cmp-error", "error: failInfo " + (error.FailInfo?.IntValue ?? 0) + " " + error.StatusString?[0]?.GetString());
        }
        if (answer.Body.Type != PkiBody.TYPE_INIT_REP) return ScenarioOutcome.Failure("unexpected-body", "body type " + answer.Body.Type);
        if (!answer.Header.ProtectionAlg.Algorithm.Equals(CmpObjectIdentifiers.passwordBasedMac)
            || !CryptographicOperations.FixedTimeEquals(Mac(PbmParameter.GetInstance(answer.Header.ProtectionAlg.Parameters), context.Options.CmpSecret!,
                new DerSequence(answer.Header, answer.Body).GetEncoded(Asn1Encodable.Der)), answer.Protection.GetOctets()))
        {
            return ScenarioOutcome.Failure("bad-protection", "the ip is not MAC-protected with the request's secret");
        }
        if (!nonce.AsSpan().SequenceEqual(answer.Header.RecipNonce?.GetOctets()))
            return ScenarioOutcome.Failure("bad-nonce", "recipNonce is not the request's senderNonce");
        var certResponse = CertRepMessage.GetInstance(answer.Body.Content).GetResponse()[0];
        if (certResponse.Status.Status.IntValueExact != 0)
            return ScenarioOutcome.Failure("pkistatus-" + certResponse.Status.Status.IntValueExact, "failInfo " + (certResponse.Status.FailInfo?.IntValue ?? 0));
        var certificate = certResponse.CertifiedKeyPair?.CertOrEncCert?.Certificate?.GetEncoded(Asn1Encodable.Der);
        if (certificate is null) return ScenarioOutcome.Failure("no-certificate", "accepted without a certificate");
        if (!CertificateCheck.TryFindForKey([certificate], request.SubjectPublicKeyInfo, out var serial, out var problem))
            return ScenarioOutcome.Failure("wrong-certificate", problem);
        return ScenarioOutcome.Success(serial);
    }

    public override Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct) =>
        context.Bearer is null
            ? Task.FromResult<VerificationResult?>(null)
            : IssuedSample.VerifyAsync(context, issued, sampleSize, ct);

    /// <summary>PasswordBasedMac (RFC 4211 §4.4) with BouncyCastle's builder: the key from the secret and salt, then the MAC.</summary>
    private static byte[] Mac(PbmParameter parameters, string secret, byte[] data)
    {
        var calculator = new PKMacBuilder(new DefaultPKMacPrimitivesProvider(), 100_000).SetParameters(parameters).Build(secret.ToCharArray()).CreateCalculator();
        using (var stream = calculator.Stream) stream.Write(data, 0, data.Length);
        return calculator.GetResult().Collect();
    }
}
