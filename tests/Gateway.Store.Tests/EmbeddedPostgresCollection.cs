namespace Gateway.Store.Tests;

/// <summary>Test classes marked <c>[Collection(EmbeddedPostgresCollection.Name)]</c> share one embedded PostgreSQL.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedPostgresCollection : ICollectionFixture<EmbeddedPostgresFixture>
{
    public const string Name = "EmbeddedPostgres";
}
