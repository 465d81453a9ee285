using Gateway.Contracts.Acme;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Gateway.Server.Tests.Acme;

/// <summary>
/// ACME grain answers cross silos: the generic <see cref="AcmeResult{T}"/> goes over the wire with its type name, which
/// Orleans must parse back (a generic alias needs its arity, <c>`1</c>; without it a call answered by another node failed).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AcmeSerializationTests(GatewayFixture gateway)
{
    [Fact]
    public void Acme_results_round_trip_with_their_type_as_a_remote_answer_does()
    {
        var serializer = gateway.App.Services.GetRequiredService<Serializer>();
        var account = new AcmeAccountInfo("id", "web-server", "{}", "tp", "valid", ["mailto:a@b.test"], true, null, DateTimeOffset.UnixEpoch);
        object[] values =
        [
            AcmeResult<AcmeAccountCreation>.Ok(new AcmeAccountCreation(account, false)),
            AcmeResult<AcmeAccountInfo>.Refused("unauthorized", "no", 401),
            AcmeResult<AcmeOrderInfo>.Refused("orderNotReady", "not ready", 403),
            AcmeResult<AcmeAuthorizationInfo>.Refused("malformed", "x"),
        ];
        foreach (var value in values)
        {
            var bytes = serializer.SerializeToArray<object>(value);
            var back = serializer.Deserialize<object>(bytes)!;
            Assert.Equal(value.GetType(), back.GetType());
        }
        var created = (AcmeResult<AcmeAccountCreation>)serializer.Deserialize<object>(serializer.SerializeToArray<object>(values[0]))!;
        Assert.Equal("mailto:a@b.test", Assert.Single(created.Value!.Account.Contacts));
    }
}
