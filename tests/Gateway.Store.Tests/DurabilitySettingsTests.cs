using Npgsql;

namespace Gateway.Store.Tests;

/// <summary>Issue 14 item 1: the effective durability settings, read as the gateway's own session sees them.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class DurabilitySettingsTests(EmbeddedPostgresFixture postgres)
{
    [Fact]
    public async Task ReadAsync_embedded_postgres_is_safe()
    {
        var settings = await DurabilitySettings.ReadAsync(postgres.Server.ConnectionString);

        Assert.Equal(("on", "on", "on"), (settings.Fsync, settings.FullPageWrites, settings.SynchronousCommit));
        Assert.Empty(settings.Problems);
    }

    [Fact]
    public async Task ReadAsync_session_with_synchronous_commit_off_reports_it()
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { Options = "-c synchronous_commit=off" }.ConnectionString;

        var settings = await DurabilitySettings.ReadAsync(connection);

        Assert.Equal("off", settings.SynchronousCommit);
        Assert.Contains(settings.Problems, p => p.StartsWith("synchronous_commit is off", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("off", "on", "on", "", 0, "fsync is off")]
    [InlineData("on", "off", "on", "", 0, "full_page_writes is off")]
    [InlineData("on", "on", "on", "", 1, "1 standby(s) replicate asynchronously")]
    [InlineData("on", "on", "local", "standby1", 1, "1 standby(s) replicate asynchronously")]
    public void Problems_name_each_unsafe_setting(string fsync, string fullPageWrites, string synchronousCommit, string standbyNames, int asyncStandbys, string expected)
    {
        var settings = new DurabilitySettings(fsync, fullPageWrites, synchronousCommit, standbyNames, asyncStandbys);

        Assert.Contains(settings.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_with_a_synchronous_standby_are_none()
    {
        Assert.Empty(new DurabilitySettings("on", "on", "remote_apply", "FIRST 1 (standby1)", 0).Problems);
    }
}
