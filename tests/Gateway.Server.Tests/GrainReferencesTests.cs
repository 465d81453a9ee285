using Gateway.Contracts.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary><see cref="GrainReferences"/> in the real silo: the same references Orleans makes, and working ones.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GrainReferencesTests(GatewayFixture gateway)
{
    private IGrainFactory Grains => gateway.App.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task References_equal_Orleans_own_for_string_and_integer_keys_first_and_after_the_types_are_kept()
    {
        for (var round = 0; round < 2; round++)
        {
            var key = $"admin:grain-reference-{round}";
            var ours = (GrainReference)(object)Grains.Reference<IEnrollmentGrain>(key);
            var theirs = (GrainReference)(object)Grains.GetGrain<IEnrollmentGrain>(key);
            Assert.Equal(theirs.GrainId, ours.GrainId);
            Assert.Equal(theirs.InterfaceType, ours.InterfaceType);
            Assert.Equal(theirs, ours);

            var inventory = (GrainReference)(object)Grains.Reference<IInventoryGrain>(0);
            Assert.Equal(((GrainReference)(object)Grains.GetGrain<IInventoryGrain>(0)).GrainId, inventory.GrainId);
        }

        // A call through a kept reference reaches the grain (an unknown enrollment answers null, it does not fail).
        Assert.Null(await Grains.Reference<IEnrollmentGrain>("admin:grain-reference-unknown").GetOutcomeAsync());
        Assert.Throws<ArgumentException>(() => Grains.Reference<IEnrollmentGrain>(" "));
    }
}
