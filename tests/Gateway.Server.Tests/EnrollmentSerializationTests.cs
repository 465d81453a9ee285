using Gateway.Contracts;
using Gateway.Contracts.Audit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Gateway.Server.Tests;

/// <summary>
/// The request and outcome as they cross silos: the audit entry a request carries, its new-transaction flag, and the
/// outcome's <see cref="EnrollmentOutcome.Audited"/> (a property of the abstract base record) survive the Orleans serializer.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EnrollmentSerializationTests(GatewayFixture gateway)
{
    [Fact]
    public void Audit_entry_new_transaction_and_audited_flag_round_trip()
    {
        var serializer = gateway.App.Services.GetRequiredService<Serializer>();
        var request = new EnrollmentRequest(EnrollmentProtocol.Admin, "web-server", new Requester("api-key", "bootstrap"), "t1", [1, 2, 3],
            Audit: new AdminAction("api-key:bootstrap", "enrollment.create", "", "127.0.0.1", 0), NewTransaction: true);
        var back = (EnrollmentRequest)serializer.Deserialize<object>(serializer.SerializeToArray<object>(request))!;
        Assert.True(back.NewTransaction);
        Assert.Equal(request.Audit, back.Audit);

        EnrollmentOutcome[] outcomes =
        [
            new IssuedOutcome("admin:t1", "0a", [1], [[2]], DateTimeOffset.UnixEpoch) { Audited = true },
            new PendingOutcome("admin:t1", TimeSpan.FromSeconds(30), "waiting") { Audited = true },
            new RejectedOutcome("admin:t1", RejectionReason.BadName, "no", []),
        ];
        foreach (var outcome in outcomes)
        {
            var copy = (EnrollmentOutcome)serializer.Deserialize<object>(serializer.SerializeToArray<object>(outcome))!;
            Assert.Equal(outcome.GetType(), copy.GetType());
            Assert.Equal(outcome.Audited, copy.Audited);
            Assert.Equal(outcome.EnrollmentId, copy.EnrollmentId);
        }
    }
}
