using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// A certificate that needs the requester's confirmation (CMP certConf), against the real host and PostgreSQL:
/// issued and committed, then confirmed, or revoked when refused or not confirmed within the window
/// (<c>Gateway:Enrollment:ConfirmationWindow</c>, 5 s in <see cref="GatewayFixture"/>).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ConfirmationTests(GatewayFixture gateway)
{
    private async Task<(IEnrollmentGrain Grain, EnrollmentRequest Request, AwaitingConfirmationOutcome Outcome)> IssueAwaitingAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = $"confirm-{NewId()}.test";
        var request = new EnrollmentRequest(EnrollmentProtocol.Admin, "iot-device", new Requester("api-key", "bootstrap"), NewId(), CsrDer(key, cn),
            RequiresConfirmation: true);
        var grain = gateway.Grains().GetGrain<IEnrollmentGrain>(request.EnrollmentKey);
        var outcome = Assert.IsType<AwaitingConfirmationOutcome>(await grain.EnrollAsync(request));
        return (grain, request, outcome);
    }

    private async Task<JsonElement> CertificateAsync(string serial)
    {
        using var client = gateway.Client();
        return await client.GetJsonAsync($"/api/v1/certificates/{serial}");
    }

    private async Task<List<string?>> HistoryAsync(string serial)
    {
        using var client = gateway.Client();
        return (await client.GetJsonAsync($"/api/v1/certificates/{serial}/history")).EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
    }

    [Fact]
    public async Task ConfirmAsync_within_the_window_settles_the_enrollment_as_issued()
    {
        var (grain, request, awaiting) = await IssueAwaitingAsync();
        Assert.True(awaiting.ConfirmBy > awaiting.IssuedAt);
        // The certificate is committed before it is delivered: in the inventory, valid.
        Assert.Equal("valid", (await CertificateAsync(awaiting.Serial)).GetProperty("status").GetString());
        // A retry of the request before the confirmation gets the same certificate, still awaiting confirmation.
        Assert.Equal(awaiting.Serial, Assert.IsType<AwaitingConfirmationOutcome>(await grain.EnrollAsync(request)).Serial);

        var confirmed = Assert.IsType<IssuedOutcome>(await grain.ConfirmAsync(awaiting.Serial));
        Assert.Equal(awaiting.Serial, confirmed.Serial);
        Assert.Equal(awaiting.Certificate, confirmed.Certificate);
        // Idempotent, and the request's retry now gets the issued certificate.
        Assert.IsType<IssuedOutcome>(await grain.ConfirmAsync(awaiting.Serial));
        await gateway.DeactivateIdleGrainsAsync();
        Assert.Equal(awaiting.Serial, Assert.IsType<IssuedOutcome>(await grain.EnrollAsync(request)).Serial);

        Assert.Equal("valid", (await CertificateAsync(awaiting.Serial)).GetProperty("status").GetString());
        Assert.Equal(["enrollment_requested", "enrollment_approved", "enrollment_fulfilled", "certificate_issued", "certificate_confirmed"],
            await HistoryAsync(awaiting.Serial));
        using var client = gateway.Client();
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(awaiting.EnrollmentId)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ConfirmAsync_another_serial_is_unknown_certificate_id_and_changes_nothing()
    {
        var (grain, _, awaiting) = await IssueAwaitingAsync();

        var refused = Assert.IsType<RejectedOutcome>(await grain.ConfirmAsync("0badc0ffee"));
        Assert.Equal(RejectionReason.UnknownCertificateId, refused.Reason);
        Assert.Equal(RejectionReason.UnknownCertificateId,
            Assert.IsType<RejectedOutcome>(await grain.RefuseAsync("0badc0ffee", "not mine")).Reason);
        var nothing = gateway.Grains().GetGrain<IEnrollmentGrain>("admin:never-" + NewId());
        Assert.Equal(RejectionReason.UnknownCertificateId, Assert.IsType<RejectedOutcome>(await nothing.ConfirmAsync(awaiting.Serial)).Reason);

        Assert.Equal(awaiting.Serial, Assert.IsType<AwaitingConfirmationOutcome>(await grain.GetOutcomeAsync()).Serial);
        Assert.Equal("valid", (await CertificateAsync(awaiting.Serial)).GetProperty("status").GetString());
        Assert.IsType<IssuedOutcome>(await grain.ConfirmAsync(awaiting.Serial));
    }

    [Fact]
    public async Task RefuseAsync_revokes_the_certificate_and_records_the_refusal()
    {
        var (grain, request, awaiting) = await IssueAwaitingAsync();

        var refused = Assert.IsType<RejectedOutcome>(await grain.RefuseAsync(awaiting.Serial, "wrong key usage"));
        Assert.Equal(RejectionReason.Denied, refused.Reason);
        Assert.Contains("wrong key usage", refused.Message);

        var certificate = await CertificateAsync(awaiting.Serial);
        Assert.Equal("revoked", certificate.GetProperty("status").GetString());
        Assert.Equal("cessationOfOperation", certificate.GetProperty("revocationReason").GetString());
        // Settled: a late confirmation, a second refusal and the request's retry all get the refusal.
        Assert.IsType<RejectedOutcome>(await grain.ConfirmAsync(awaiting.Serial));
        Assert.IsType<RejectedOutcome>(await grain.RefuseAsync(awaiting.Serial, "again"));
        await gateway.DeactivateIdleGrainsAsync();
        Assert.Equal(RejectionReason.Denied, Assert.IsType<RejectedOutcome>(await grain.EnrollAsync(request)).Reason);

        var history = await HistoryAsync(awaiting.Serial);
        Assert.Equal(["enrollment_requested", "enrollment_approved", "enrollment_fulfilled", "certificate_issued", "certificate_revoked",
            "certificate_confirmation_refused"], history);
        using var client = gateway.Client();
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(awaiting.EnrollmentId)}");
        Assert.Equal("confirmationrefused", explained.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unconfirmed_certificate_is_revoked_when_the_confirmation_window_passes()
    {
        var (grain, _, awaiting) = await IssueAwaitingAsync();

        // The window is 5 s; wait for the revocation, without sleeping a fixed time.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        string? status;
        do
        {
            await Task.Delay(250);
            status = (await CertificateAsync(awaiting.Serial)).GetProperty("status").GetString();
        }
        while (status != "revoked" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("revoked", status);
        var revokedAt = (await CertificateAsync(awaiting.Serial)).GetProperty("revokedAt").GetDateTimeOffset();
        Assert.True(revokedAt >= awaiting.ConfirmBy, $"revoked at {revokedAt:O}, before the deadline {awaiting.ConfirmBy:O}");
        var outcome = Assert.IsType<RejectedOutcome>(await grain.ConfirmAsync(awaiting.Serial));
        Assert.Contains("Not confirmed by", outcome.Message);
        Assert.Equal("gateway", (await HistoryAsyncItems(awaiting.Serial)).Last().GetProperty("actor").GetString());
    }

    private async Task<List<JsonElement>> HistoryAsyncItems(string serial)
    {
        using var client = gateway.Client();
        return (await client.GetJsonAsync($"/api/v1/certificates/{serial}/history")).EnumerateArray().ToList();
    }
}
