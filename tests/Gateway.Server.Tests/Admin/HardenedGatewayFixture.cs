namespace Gateway.Server.Tests.Admin;

/// <summary>
/// A second gateway with the admin API's hardening switched on: HTTPS only (also from loopback), four eyes, and a
/// second admin key to be the other pair of eyes.
/// </summary>
public sealed class HardenedGatewayFixture : GatewayFixture
{
    public const string SecondAdminKey = "test-second-admin-key-0123456789";

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Gateway:Admin:AllowPlainHttpFromLoopback=false",
        "--Gateway:Admin:ForbidSelfApproval=true",
        "--Gateway:Admin:ApiKeys:2:Name=admin-2",
        $"--Gateway:Admin:ApiKeys:2:Key={SecondAdminKey}",
        "--Gateway:Admin:ApiKeys:2:Roles:0=admin",
    ];
}

[CollectionDefinition(Name)]
public sealed class HardenedGatewayCollection : ICollectionFixture<HardenedGatewayFixture>
{
    public const string Name = "hardened-gateway";
}
