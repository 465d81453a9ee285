using System.Diagnostics.Metrics;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Server.Tests;

/// <summary>The credential grain counts its refusals (real host).</summary>
[Collection(GatewayCollection.Name)]
public sealed class CredentialGrainMetricsTests(GatewayFixture gateway)
{
    private IGrainFactory Grains => gateway.App.Services.GetRequiredService<IGrainFactory>();

    private MetricCollector<long> Refusals() =>
        new(gateway.App.Services.GetRequiredService<IMeterFactory>(), CredentialMetrics.MeterName, CredentialMetrics.Refusals);

    [Fact]
    public async Task VerifySecretAsync_wrong_secret_and_profile_count_refusals_and_a_valid_one_does_not()
    {
        var created = (await Grains.GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec("iot-device", null, null, []), "test")).Created!;
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        using var collector = Refusals();

        await grain.VerifySecretAsync(created.Secret, "iot-device");
        await grain.VerifySecretAsync(created.Secret + "x", "iot-device");
        await grain.VerifySecretAsync(created.Secret, "web-server");
        await Grains.GetGrain<ICredentialGrain>(CredentialSecrets.NewId()).VerifySecretAsync("x", "iot-device");

        Assert.Equal(["wrong-secret/verify", "wrong-profile/verify", "not-found/verify"],
            collector.GetMeasurementSnapshot().Select(m => $"{m.Tags["reason"]}/{m.Tags["stage"]}").ToArray());
    }

    [Fact]
    public async Task ConsumeAsync_spent_credential_counts_an_exhausted_use_refusal()
    {
        var created = (await Grains.GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec("iot-device", 1, null, []), "test")).Created!;
        var grain = Grains.GetGrain<ICredentialGrain>(created.Credential.Id);
        using var collector = Refusals();

        Assert.True((await grain.ConsumeAsync(new CredentialUse("iot-device", EnrollmentProtocol.Est, null, ["a.test"], "r1"))).Valid);
        Assert.False((await grain.ConsumeAsync(new CredentialUse("iot-device", EnrollmentProtocol.Est, null, ["a.test"], "r2"))).Valid);

        Assert.Equal(["exhausted/use"], collector.GetMeasurementSnapshot().Select(m => $"{m.Tags["reason"]}/{m.Tags["stage"]}").ToArray());
    }
}
