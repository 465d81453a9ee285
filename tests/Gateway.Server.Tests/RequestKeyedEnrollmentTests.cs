using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// A request-keyed enrollment (EST: the transaction id is a digest of the request) is recorded under a time-ordered id
/// of its own and found again by its request key: a repeat of the request gets the same outcome, from the same grain
/// or after it was deactivated, and the admin API addresses the enrollment by its own id. Enrollments recorded under
/// their key before (id = key) are still found.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RequestKeyedEnrollmentTests(GatewayFixture gateway)
{
    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> CredentialAsync(string profile)
    {
        var result = await gateway.Grains().GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec(profile, null, null, null), "test");
        Assert.True(result.Status == CredentialCreateStatus.Created, result.Message);
        return result.Created!.Credential.Id;
    }

    private static EnrollmentRequest Request(string profile, string credentialId, byte[] csr, bool requestKeyed = true) =>
        new(EnrollmentProtocol.Est, profile, new Requester(AuthenticationMethods.HttpBasic, credentialId),
            Convert.ToHexStringLower(SHA256.HashData(csr)), csr, RequestKeyed: requestKeyed);

    private Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request) =>
        gateway.Grains().GetGrain<IEnrollmentGrain>(request.EnrollmentKey).EnrollAsync(request);

    [Fact]
    public async Task The_enrollment_gets_an_id_of_its_own_and_a_repeat_finds_it_by_its_request_key()
    {
        var credential = await CredentialAsync("test-credential-names");
        var cn = $"rk-{NewId()[..12]}.test";
        var request = Request("test-credential-names", credential, CsrDer(ECDsa.Create(ECCurve.NamedCurves.nistP256), cn));

        var issued = Assert.IsType<IssuedOutcome>(await EnrollAsync(request));
        Assert.NotEqual(request.EnrollmentKey, issued.EnrollmentId);
        Assert.StartsWith("est:", issued.EnrollmentId);
        Assert.Equal(32, issued.EnrollmentId["est:".Length..].Length); // a time-ordered id, not the 64-digit digest

        // Repeated: from the activation, then from the store.
        Assert.Equal(issued.Serial, Assert.IsType<IssuedOutcome>(await EnrollAsync(request)).Serial);
        await gateway.DeactivateIdleGrainsAsync();
        var again = Assert.IsType<IssuedOutcome>(await EnrollAsync(request));
        Assert.Equal((issued.Serial, issued.EnrollmentId), (again.Serial, again.EnrollmentId));

        // One enrollment and one certificate; the admin API finds the enrollment by its id, with the key it is found by.
        using var client = gateway.Client();
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/certificates?subject={cn}")).GetProperty("total").GetInt64());
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(issued.EnrollmentId)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal(issued.Serial, explained.GetProperty("certificate").GetProperty("serial").GetString());
        Assert.Equal(request.TransactionId, explained.GetProperty("request").GetProperty("transactionId").GetString());
        var history = await client.GetJsonAsync($"/api/v1/certificates/{issued.Serial}/history");
        var requested = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_requested");
        Assert.Equal(request.EnrollmentKey, requested.GetProperty("details").GetProperty("requestKey").GetString());
    }

    [Fact]
    public async Task A_pending_enrollment_approved_by_its_id_is_handed_out_to_the_repeated_request()
    {
        var credential = await CredentialAsync("test-manual");
        var request = Request("test-manual", credential, CsrDer(ECDsa.Create(ECCurve.NamedCurves.nistP256), $"rk-{NewId()[..12]}.test"));

        var pending = Assert.IsType<PendingOutcome>(await EnrollAsync(request));
        Assert.NotEqual(request.EnrollmentKey, pending.EnrollmentId);
        Assert.IsType<PendingOutcome>(await EnrollAsync(request)); // the client polls: still the same enrollment

        var approved = await gateway.Grains().GetGrain<IEnrollmentGrain>(pending.EnrollmentId).ApproveAsync("test");
        Assert.Equal(EnrollmentDecisionStatus.Approved, approved.Status);

        var issued = Assert.IsType<IssuedOutcome>(await EnrollAsync(request));
        Assert.Equal(pending.EnrollmentId, issued.EnrollmentId);
        Assert.Equal(((IssuedOutcome)approved.Outcome!).Serial, issued.Serial);
    }

    [Fact]
    public async Task An_enrollment_recorded_under_its_key_before_request_keys_is_found_by_the_same_request()
    {
        var credential = await CredentialAsync("test-credential-names");
        var csr = CsrDer(ECDsa.Create(ECCurve.NamedCurves.nistP256), $"rk-{NewId()[..12]}.test");

        // As an earlier build recorded it: the enrollment's id is its key.
        var earlier = Assert.IsType<IssuedOutcome>(await EnrollAsync(Request("test-credential-names", credential, csr, requestKeyed: false)));
        Assert.Equal(Request("test-credential-names", credential, csr).EnrollmentKey, earlier.EnrollmentId);
        await gateway.DeactivateIdleGrainsAsync();

        var now = Assert.IsType<IssuedOutcome>(await EnrollAsync(Request("test-credential-names", credential, csr)));
        Assert.Equal((earlier.EnrollmentId, earlier.Serial), (now.EnrollmentId, now.Serial));
    }
}
