using Npgsql;

namespace Gateway.Store.Tests;

public sealed class StoreConnectionStringTests
{
    [Fact]
    public void WithDefaults_string_without_preparation_settings_gets_automatic_preparation()
    {
        var result = new NpgsqlConnectionStringBuilder(StoreConnectionString.WithDefaults("Host=127.0.0.1;Port=5432;Username=gateway;Password=x"));

        Assert.Equal(StoreConnectionString.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
        Assert.Equal(StoreConnectionString.DefaultAutoPrepareMinUsages, result.AutoPrepareMinUsages);
        Assert.True(result.NoResetOnClose);
        Assert.Equal("127.0.0.1", result.Host);
        Assert.Equal("x", result.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=7;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AUTO PREPARE MIN USAGES=7;noresetonclose=false")]
    public void WithDefaults_keeps_what_the_operator_set(string connectionString)
    {
        var result = new NpgsqlConnectionStringBuilder(StoreConnectionString.WithDefaults(connectionString));

        Assert.Equal(0, result.MaxAutoPrepare);
        Assert.Equal(7, result.AutoPrepareMinUsages);
        Assert.False(result.NoResetOnClose);
    }
}
