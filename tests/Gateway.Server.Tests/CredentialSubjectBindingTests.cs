using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;

namespace Gateway.Server.Tests;

/// <summary>
/// Issue 13 item 6: a credential bound to subjects is checked against every attribute of every RDN of the requested
/// subject, so a multi-valued RDN (<c>CN=dev2.test+OU=x</c>) cannot hide the CN, and a CN that is not a string is refused.
/// The CSRs are committed under testdata/csr (see its README).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CredentialSubjectBindingTests(GatewayFixture gateway)
{
    private const string Profile = "test-credential-names";

    private static byte[] Csr(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "csr", file));

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> CredentialBoundToAsync(params string[] subjects)
    {
        var result = await gateway.Grains().GetGrain<ICredentialDirectoryGrain>(0)
            .CreateAsync(new CredentialSpec(Profile, null, null, subjects), "test");
        Assert.True(result.Status == CredentialCreateStatus.Created, result.Message);
        return result.Created!.Credential.Id;
    }

    private Task<EnrollmentOutcome> EnrollAsync(string credentialId, string csrFile)
    {
        var transaction = NewId();
        return gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, transaction))
            .EnrollAsync(new EnrollmentRequest(EnrollmentProtocol.Est, Profile, new Requester(AuthenticationMethods.HttpBasic, credentialId),
                transaction, Csr(csrFile)));
    }

    [Fact]
    public async Task EnrollAsync_multiValuedRdnWithAnotherCn_isRefusedForACredentialBoundToDev1()
    {
        var credential = await CredentialBoundToAsync("dev1.test");

        var rejected = Assert.IsType<RejectedOutcome>(await EnrollAsync(credential, "multivalue-rdn-cn-dev2.der"));

        Assert.Contains(rejected.FiredRules, r => r.Rule == "credential.subject-not-allowed" && r.Effect == DecisionEffect.Deny);
        Assert.Contains("dev2.test", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollAsync_multiValuedRdnWithTheBoundCn_isIssued()
    {
        var credential = await CredentialBoundToAsync("dev1.test");

        Assert.IsType<IssuedOutcome>(await EnrollAsync(credential, "multivalue-rdn-cn-dev1.der"));
    }

    [Fact]
    public async Task EnrollAsync_commonNameThatIsNotAString_isRefusedForACredentialWithSubjects()
    {
        var credential = await CredentialBoundToAsync("dev1.test");

        var rejected = Assert.IsType<RejectedOutcome>(await EnrollAsync(credential, "cn-octet-string.der"));

        Assert.Contains("not a string", rejected.Message, StringComparison.Ordinal);
    }
}
