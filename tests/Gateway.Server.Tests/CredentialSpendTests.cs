using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// Issue 14 item 5: a credential's use is spent in the same commit as the certificate it pays for, not before; and a
/// stored certificate is not handed again to a requester whose credential was revoked since.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CredentialSpendTests(GatewayFixture gateway)
{
    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> CredentialAsync(string profile, int? maxUses)
    {
        var result = await gateway.Grains().GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec(profile, maxUses, null, null), "test");
        Assert.True(result.Status == CredentialCreateStatus.Created, result.Message);
        return result.Created!.Credential.Id;
    }

    private static EnrollmentRequest Request(string profile, string credentialId, string transaction, string cn) =>
        new(EnrollmentProtocol.Est, profile, new Requester(AuthenticationMethods.HttpBasic, credentialId), transaction,
            CsrDer(ECDsa.Create(ECCurve.NamedCurves.nistP256), cn));

    private Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request) =>
        gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, request.TransactionId)).EnrollAsync(request);

    private async Task<CredentialInfo> InfoAsync(string credentialId) => (await gateway.Grains().GetGrain<ICredentialGrain>(credentialId).GetAsync())!;

    [Fact]
    public async Task One_time_credential_of_an_enrollment_that_never_issues_stays_unspent_and_pays_for_the_next()
    {
        var credential = await CredentialAsync("test-manual", maxUses: 1);
        var first = Request("test-manual", credential, NewId(), $"d-{NewId()[..8]}.test");
        Assert.IsType<PendingOutcome>(await EnrollAsync(first));
        Assert.Equal(0, (await InfoAsync(credential)).Uses); // waiting for an administrator spends nothing

        var denied = await gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, first.TransactionId)).DenyAsync("test", "no");
        Assert.Equal(EnrollmentDecisionStatus.Denied, denied.Status);
        Assert.Equal(CredentialStatus.Active, (await InfoAsync(credential)).Status);

        // The use is still there, and approval spends it with the certificate.
        var second = Request("test-manual", credential, NewId(), $"d-{NewId()[..8]}.test");
        Assert.IsType<PendingOutcome>(await EnrollAsync(second));
        var approved = await gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, second.TransactionId)).ApproveAsync("test");
        Assert.Equal(EnrollmentDecisionStatus.Approved, approved.Status);
        var info = await InfoAsync(credential);
        Assert.Equal((1, CredentialStatus.Exhausted), (info.Uses, info.Status));

        // And it is spent: a third request is refused.
        var third = Assert.IsType<RejectedOutcome>(await EnrollAsync(Request("test-manual", credential, NewId(), $"d-{NewId()[..8]}.test")));
        Assert.Contains(third.FiredRules, r => r.Rule == "credential.exhausted");
    }

    [Fact]
    public async Task Enrollments_racing_for_the_last_use_get_one_certificate()
    {
        var credential = await CredentialAsync("test-credential-names", maxUses: 1);
        var requests = Enumerable.Range(0, 6).Select(i => Request("test-credential-names", credential, NewId(), $"race-{i}-{NewId()[..6]}.test")).ToList();

        var outcomes = await Task.WhenAll(requests.Select(EnrollAsync));

        Assert.Single(outcomes.OfType<IssuedOutcome>());
        Assert.All(outcomes.OfType<RejectedOutcome>(), r => Assert.Contains(r.Reason, new[] { RejectionReason.Unauthorized, RejectionReason.Unavailable }));
        Assert.Equal(1, (await InfoAsync(credential)).Uses);
    }

    [Fact]
    public async Task Stored_certificate_is_not_handed_again_after_its_credential_was_revoked()
    {
        var credential = await CredentialAsync("test-credential-names", maxUses: null);
        var request = Request("test-credential-names", credential, NewId(), $"r-{NewId()[..8]}.test");
        var issued = Assert.IsType<IssuedOutcome>(await EnrollAsync(request));
        Assert.Equal(issued.Serial, Assert.IsType<IssuedOutcome>(await EnrollAsync(request)).Serial); // a retransmission gets it again

        await gateway.Grains().GetGrain<ICredentialGrain>(credential).RevokeAsync("test");

        var refused = Assert.IsType<RejectedOutcome>(await EnrollAsync(request));
        Assert.Equal(RejectionReason.Unauthorized, refused.Reason);
        Assert.Contains("revoked", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fleet_sharing_an_unlimited_credential_enrolls_concurrently_and_every_use_is_counted()
    {
        const int Devices = 40;
        var credential = await CredentialAsync("test-credential-names", maxUses: null);
        var requests = Enumerable.Range(0, Devices).Select(i => Request("test-credential-names", credential, NewId(), $"fleet-{i}-{NewId()[..6]}.test")).ToList();

        var outcomes = await Task.WhenAll(requests.Select(EnrollAsync));

        Assert.All(outcomes, o => Assert.IsType<IssuedOutcome>(o));
        var uses = 0;
        for (var attempt = 0; attempt < 50 && uses < Devices; attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            uses = (await InfoAsync(credential)).Uses; // recorded just after the certificates commit, in batches
        }
        Assert.Equal(Devices, uses);
        Assert.Equal(Devices, (await gateway.Grains().GetGrain<ICredentialGrain>(credential).GetHistoryAsync())!.Count(h => h.Type == "credential_used"));
    }
}
