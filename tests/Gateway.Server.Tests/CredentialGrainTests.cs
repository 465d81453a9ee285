using System.Buffers.Text;
using System.Text;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>The credential grains and the enrollment grain's use counting, in the real host (silo + embedded PostgreSQL).</summary>
[Collection(GatewayCollection.Name)]
public sealed class CredentialGrainTests(GatewayFixture gateway)
{
    /// <summary>
    /// A test profile with no name binding of its own, so enrollments test the credential's checks alone (the shipped
    /// iot-device binds the CN to the credential's subject, issue 13 item 5).
    /// </summary>
    private const string UnboundProfile = "test-credential-names";

    private IGrainFactory Grains => gateway.App.Services.GetRequiredService<IGrainFactory>();

    private async Task<CreatedCredential> CreateAsync(string profile = "iot-device", int? maxUses = null, DateTimeOffset? expiresAt = null, params string[] subjects)
    {
        var result = await Grains.GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec(profile, maxUses, expiresAt, subjects), "test");
        Assert.True(result.Status == CredentialCreateStatus.Created, result.Message);
        return result.Created!;
    }

    private static CredentialUse Use(string reference, params string[] names) =>
        new("iot-device", EnrollmentProtocol.Est, null, names.Length == 0 ? ["dev.test"] : names, reference);

    [Fact]
    public async Task Created_credential_checks_its_secret_and_profile()
    {
        var created = await CreateAsync();
        var id = created.Credential.Id;
        Assert.True(CredentialSecrets.TryGetId(created.Secret, out var owner));
        Assert.Equal(id, owner);
        var grain = Grains.GetGrain<ICredentialGrain>(id);

        Assert.Equal(CredentialCheckStatus.Valid, (await grain.VerifySecretAsync(created.Secret, "iot-device")).Status);
        Assert.Equal(CredentialCheckStatus.Valid, (await grain.VerifySecretAsync(created.Secret, "IoT-Device")).Status);
        var wrong = created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(CredentialCheckStatus.WrongSecret, (await grain.VerifySecretAsync(wrong, "iot-device")).Status);
        Assert.Equal(CredentialCheckStatus.WrongSecret, (await grain.VerifySecretAsync("", "iot-device")).Status);
        var other = await CreateAsync();
        Assert.Equal(CredentialCheckStatus.WrongSecret, (await grain.VerifySecretAsync(other.Secret, "iot-device")).Status);
        Assert.Equal(CredentialCheckStatus.WrongProfile, (await grain.VerifySecretAsync(created.Secret, "mdm-device")).Status);

        var info = await grain.GetAsync();
        Assert.Equal(("iot-device", CredentialStatus.Active, 0, "test"), (info!.Profile, info.Status, info.Uses, info.CreatedBy));
        // Verification counts nothing.
        Assert.DoesNotContain((await grain.GetHistoryAsync())!, h => h.Type != "credential_created");
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_not_found()
    {
        var unknown = Grains.GetGrain<ICredentialGrain>(CredentialSecrets.NewId());
        Assert.Null(await unknown.GetAsync());
        Assert.Equal(CredentialCheckStatus.NotFound, (await unknown.VerifySecretAsync("x", "iot-device")).Status);
        Assert.Equal(CredentialCheckStatus.NotFound, (await unknown.ConsumeAsync(Use("r"))).Status);
        Assert.Null(await unknown.RevokeAsync("test"));
        Assert.Null(await unknown.GetHistoryAsync());
        Assert.Null(await unknown.GetMacKeyAsync("iot-device"));
        Assert.Null(await Grains.GetGrain<ICredentialGrain>("../../etc/passwd").GetAsync());

        var directory = Grains.GetGrain<ICredentialDirectoryGrain>(0);
        Assert.Null(await directory.FindBySecretAsync("not a secret"));
        Assert.Null(await directory.FindBySecretAsync(CredentialSecrets.NewSecret(CredentialSecrets.NewId())));
        var created = await CreateAsync();
        Assert.Equal(created.Credential.Id, await directory.FindBySecretAsync(created.Secret));
    }

    [Fact]
    public async Task Directory_refuses_unknown_profiles_and_out_of_range_specs()
    {
        var directory = Grains.GetGrain<ICredentialDirectoryGrain>(0);
        var unknown = await directory.CreateAsync(new CredentialSpec("no-such-profile"), "test");
        Assert.Equal(CredentialCreateStatus.UnknownProfile, unknown.Status);
        Assert.Contains("'profile'", unknown.Message);
        foreach (var (spec, field) in new[]
                 {
                     (new CredentialSpec("iot-device", MaxUses: 0), "'maxUses'"),
                     (new CredentialSpec("iot-device", ExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)), "'expiresAt'"),
                     (new CredentialSpec("iot-device", Subjects: ["ok.test", " "]), "'subjects[1]'"),
                     (new CredentialSpec(" "), "'profile'"),
                 })
        {
            var result = await directory.CreateAsync(spec, "test");
            Assert.Equal(CredentialCreateStatus.Invalid, result.Status);
            Assert.StartsWith(field, result.Message);
            Assert.Null(result.Created);
        }
    }

    [Fact]
    public async Task Concurrent_uses_are_counted_exactly_up_to_max_uses()
    {
        var created = await CreateAsync(maxUses: 10);
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => grain.ConsumeAsync(Use("enrollment-" + i))));
        Assert.Equal(10, results.Count(r => r.Valid));
        Assert.Equal(50, results.Count(r => r.Status == CredentialCheckStatus.Exhausted));
        // Each valid answer carries its own count: 1..10, each once.
        Assert.Equal(Enumerable.Range(1, 10), results.Where(r => r.Valid).Select(r => r.Uses).Order());
        var info = await grain.GetAsync();
        Assert.Equal((10, CredentialStatus.Exhausted), (info!.Uses, info.Status));
        var history = (await grain.GetHistoryAsync())!;
        Assert.Equal(10, history.Count(h => h.Type == "credential_used"));
        Assert.Equal(50, history.Count(h => h.Type == "credential_use_refused"));
        // The store agrees with the activation.
        var stored = await gateway.App.Services.GetRequiredService<CredentialQueries>().GetAsync(created.Credential.Id);
        Assert.Equal((10, 61L), (stored!.Uses, stored.Version));
    }

    [Fact]
    public async Task A_retried_use_with_the_same_reference_is_counted_once()
    {
        var created = await CreateAsync(maxUses: 2);
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        Assert.Equal(1, (await grain.ConsumeAsync(Use("est:same"))).Uses);
        var again = await grain.ConsumeAsync(Use("est:same"));
        Assert.Equal((true, 1), (again.Valid, again.Uses));
        Assert.Equal(2, (await grain.ConsumeAsync(Use("est:other"))).Uses);
        Assert.Equal(CredentialCheckStatus.Exhausted, (await grain.ConsumeAsync(Use("est:third"))).Status);
        Assert.True((await grain.ConsumeAsync(Use("est:same"))).Valid);
    }

    [Fact]
    public async Task Consume_checks_a_given_secret_in_constant_time_and_records_the_refusal()
    {
        var created = await CreateAsync(maxUses: 5);
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        var refused = await grain.ConsumeAsync(Use("r1") with { Secret = created.Secret.ToLowerInvariant() });
        Assert.Equal((CredentialCheckStatus.WrongSecret, 0), (refused.Status, refused.Uses));
        Assert.True((await grain.ConsumeAsync(Use("r2") with { Secret = created.Secret })).Valid);
        var history = (await grain.GetHistoryAsync())!;
        Assert.Equal(["credential_created", "credential_use_refused", "credential_used"], history.Select(h => h.Type));
        Assert.Contains("\"status\":\"wrong-secret\"", history[1].DetailsJson);
    }

    [Fact]
    public async Task Subjects_bind_the_names_a_credential_may_request()
    {
        var created = await CreateAsync("iot-device", null, null, "dev1.test", "10.0.0.7");
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        Assert.True((await grain.ConsumeAsync(Use("a", "dev1.test"))).Valid);
        Assert.True((await grain.ConsumeAsync(Use("b", "DEV1.Test", "10.0.0.7"))).Valid);
        var outside = await grain.ConsumeAsync(Use("c", "dev1.test", "dev2.test"));
        Assert.Equal(CredentialCheckStatus.SubjectNotAllowed, outside.Status);
        Assert.Contains("dev2.test", outside.Reason);
        Assert.Equal(CredentialCheckStatus.SubjectNotAllowed, (await grain.ConsumeAsync(new CredentialUse("iot-device", EnrollmentProtocol.Est, null, [], "d"))).Status);
        Assert.Equal(2, (await grain.GetAsync())!.Uses);
    }

    [Fact]
    public async Task Revoked_credential_is_refused_everywhere_and_revoking_again_changes_nothing()
    {
        var created = await CreateAsync();
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        Assert.NotNull(await grain.GetMacKeyAsync("iot-device"));
        var revoked = await grain.RevokeAsync("api-key:ops");
        Assert.Equal((CredentialStatus.Revoked, "api-key:ops"), (revoked!.Status, revoked.RevokedBy));
        var again = await grain.RevokeAsync("api-key:someone-else");
        Assert.Equal((revoked.RevokedAt, "api-key:ops"), (again!.RevokedAt, again.RevokedBy));

        Assert.Equal(CredentialCheckStatus.Revoked, (await grain.VerifySecretAsync(created.Secret, "iot-device")).Status);
        Assert.Equal(CredentialCheckStatus.Revoked, (await grain.ConsumeAsync(Use("after-revoke"))).Status);
        Assert.Null(await grain.GetMacKeyAsync("iot-device"));
        Assert.Null(await grain.GetEabHmacKeyAsync("iot-device"));
        Assert.Single((await grain.GetHistoryAsync())!, h => h.Type == "credential_revoked");
    }

    [Fact]
    public async Task Expired_credential_is_refused_and_listed_as_expired()
    {
        // A credential created two hours ago that expired an hour ago: written as the store would hold it.
        var id = CredentialSecrets.NewId();
        var protector = gateway.App.Services.GetRequiredService<CredentialSecretProtector>();
        var secret = CredentialSecrets.NewSecret(id);
        var now = DateTimeOffset.UtcNow;
        await gateway.App.Services.GetRequiredService<IEventWriter>().AppendAsync([new StreamAppend(CredentialStreams.For(id), true, [
            new CredentialCreated(id, "iot-device", null, now.AddHours(-1), [], null, "sha256-salted", new byte[16], new byte[32],
                protector.KeyId, protector.Protect(id, secret), "test", now.AddHours(-2)),
        ])]);
        var grain = Grains.GetGrain<ICredentialGrain>(id);
        Assert.Equal(CredentialStatus.Expired, (await grain.GetAsync())!.Status);
        Assert.Equal(CredentialCheckStatus.Expired, (await grain.ConsumeAsync(Use("late"))).Status);
        Assert.Null(await grain.GetMacKeyAsync("iot-device"));
        var expired = await Grains.GetGrain<ICredentialDirectoryGrain>(0).ListAsync(new CredentialQuery("iot-device", CredentialStatus.Expired, 1, 500));
        Assert.Contains(expired.Items, c => c.Id == id);
        var active = await Grains.GetGrain<ICredentialDirectoryGrain>(0).ListAsync(new CredentialQuery("iot-device", CredentialStatus.Active, 1, 500));
        Assert.DoesNotContain(active.Items, c => c.Id == id);
    }

    [Fact]
    public async Task Mac_and_eab_keys_are_the_decrypted_secret_for_the_credentials_profile_only()
    {
        var created = await CreateAsync("network-element");
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        Assert.Equal(Encoding.UTF8.GetBytes(created.Secret), await grain.GetMacKeyAsync("network-element"));
        Assert.Equal(Base64Url.DecodeFromChars(created.Secret), await grain.GetEabHmacKeyAsync("network-element"));
        Assert.Null(await grain.GetMacKeyAsync("iot-device"));
        // At rest the secret is neither in clear nor in the history.
        var stored = await gateway.App.Services.GetRequiredService<CredentialQueries>().GetAsync(created.Credential.Id);
        Assert.DoesNotContain(created.Secret, Encoding.UTF8.GetString(stored!.EncryptedSecret));
        Assert.DoesNotContain(created.Secret[16..], string.Concat((await grain.GetHistoryAsync())!.Select(h => h.DetailsJson)));
    }

    [Fact]
    public async Task Enrollment_with_a_one_use_credential_issues_once_then_is_rejected_with_the_reason_recorded()
    {
        var created = await CreateAsync(UnboundProfile, maxUses: 1);
        var id = created.Credential.Id;
        var requester = new Requester(AuthenticationMethods.HttpBasic, id);
        var first = new EnrollmentRequest(EnrollmentProtocol.Est, UnboundProfile, requester, "cred-" + Guid.NewGuid().ToString("N"), Der(Csrs.P256("one.test", "one.test")));
        var issued = Assert.IsType<IssuedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(first.EnrollmentKey).EnrollAsync(first));

        var second = first with { TransactionId = "cred-" + Guid.NewGuid().ToString("N"), Csr = Der(Csrs.P256("one.test", "one.test")) };
        var rejected = Assert.IsType<RejectedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(second.EnrollmentKey).EnrollAsync(second));
        Assert.Equal(RejectionReason.Unauthorized, rejected.Reason);
        Assert.Contains(rejected.FiredRules, r => r.Rule == "credential.exhausted" && r.Effect == DecisionEffect.Deny);
        Assert.Contains("single use is spent", rejected.Message);

        // A retry of the first enrollment still gets its certificate, and counts nothing.
        var retry = Assert.IsType<IssuedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(first.EnrollmentKey).EnrollAsync(first));
        Assert.Equal(issued.Serial, retry.Serial);
        Assert.Equal(1, (await Grains.GetGrain<ICredentialGrain>(id).GetAsync())!.Uses);

        // The rejection is in the enrollment's record with the rule, and the credential's history has the refused use.
        var record = await gateway.App.Services.GetRequiredService<InventoryQueries>().GetEnrollmentAsync(second.EnrollmentKey);
        Assert.Equal(("Rejected", "Unauthorized"), (record!.Status, record.RejectionReason));
        Assert.Contains(record.Rules, r => r.Rule == "credential.exhausted");
        var history = (await Grains.GetGrain<ICredentialGrain>(id).GetHistoryAsync())!;
        Assert.Contains(history, h => h.Type == "credential_used" && h.DetailsJson.Contains(first.EnrollmentKey, StringComparison.Ordinal));
        Assert.Contains(history, h => h.Type == "credential_use_refused" && h.DetailsJson.Contains(second.EnrollmentKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enrollment_outside_the_credentials_subjects_is_rejected_and_a_policy_denial_uses_nothing()
    {
        var created = await CreateAsync(UnboundProfile, 5, null, "bound.test");
        var requester = new Requester(AuthenticationMethods.HttpBasic, created.Credential.Id);
        EnrollmentRequest Request(string cn, params string[] sans) =>
            new(EnrollmentProtocol.Est, UnboundProfile, requester, "cred-" + Guid.NewGuid().ToString("N"), Der(Csrs.P256(cn, sans)));

        var outside = Request("other.test", "other.test");
        var rejected = Assert.IsType<RejectedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(outside.EnrollmentKey).EnrollAsync(outside));
        Assert.Contains(rejected.FiredRules, r => r.Rule == "credential.subject-not-allowed");

        // Denied by policy (a name outside the profile's SAN list): the credential's use is not spent.
        var denied = Request("bound.test", "bound.example.com");
        Assert.IsType<RejectedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(denied.EnrollmentKey).EnrollAsync(denied));
        Assert.Equal(0, (await Grains.GetGrain<ICredentialGrain>(created.Credential.Id).GetAsync())!.Uses);

        var inside = Request("bound.test", "bound.test");
        Assert.IsType<IssuedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(inside.EnrollmentKey).EnrollAsync(inside));
        Assert.Equal(1, (await Grains.GetGrain<ICredentialGrain>(created.Credential.Id).GetAsync())!.Uses);
    }

    [Fact]
    public async Task Enrollment_naming_an_unknown_credential_is_rejected()
    {
        foreach (var principal in new[] { CredentialSecrets.NewId(), "not-an-id" })
        {
            var request = new EnrollmentRequest(EnrollmentProtocol.Est, UnboundProfile, new Requester(AuthenticationMethods.HttpBasic, principal),
                "cred-" + Guid.NewGuid().ToString("N"), Der(Csrs.P256("ghost.test", "ghost.test")));
            var rejected = Assert.IsType<RejectedOutcome>(await Grains.GetGrain<IEnrollmentGrain>(request.EnrollmentKey).EnrollAsync(request));
            Assert.Contains(rejected.FiredRules, r => r.Rule == "credential.not-found");
        }
    }

    private static byte[] Der(string pem) => System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields)
        ? Convert.FromBase64String(pem[fields.Base64Data])
        : throw new ArgumentException("not PEM");
}
