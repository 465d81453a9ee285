using System.Net;
using System.Net.Sockets;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Server.Tests;

public sealed class ClusterSetupTests
{
    private const string Remote = "Host=db.internal;Database=gateway;Username=gateway;Password=x";
    private static readonly IPAddress MachineIp = IPAddress.Parse("10.20.30.40");

    private static ClusterPlan Resolve(GatewayClusterOptions options, string? connectionString, Func<string, IPAddress[]>? dns = null) =>
        ClusterSetup.Resolve(options, connectionString, dns ?? (_ => throw new SocketException((int)SocketError.HostNotFound)), () => MachineIp);

    [Fact]
    public void Resolve_embedded_database_defaults_to_localhost_mode_on_loopback()
    {
        var plan = Resolve(new GatewayClusterOptions(), null);
        Assert.Equal("localhost", plan.Mode);
        Assert.False(plan.IsPostgres);
        Assert.Equal(IPAddress.Loopback, plan.AdvertisedAddress);
        Assert.Equal((11111, "gateway", "gateway"), (plan.SiloPort, plan.ClusterId, plan.ServiceId));
        Assert.Equal(IPAddress.Loopback, plan.ListenAddress);
        Assert.False(plan.Tls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Remote)]
    public void Resolve_default_opens_no_orleans_client_gateway(string? connectionString)
    {
        var plan = Resolve(new GatewayClusterOptions(), connectionString);
        Assert.Equal(0, plan.GatewayPort);
        Assert.False(plan.HasClientGateway);
    }

    [Fact]
    public void Resolve_configured_gateway_port_opens_the_client_gateway()
    {
        var plan = Resolve(new GatewayClusterOptions { GatewayPort = 30000 }, null);
        Assert.Equal(30000, plan.GatewayPort);
        Assert.True(plan.HasClientGateway);
    }

    [Fact]
    public void Resolve_postgres_mode_listens_on_the_advertised_address_with_tls()
    {
        var plan = Resolve(new GatewayClusterOptions(), Remote);
        Assert.Equal(MachineIp, plan.ListenAddress);
        Assert.True(plan.Tls);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("::")]
    public void Resolve_postgres_mode_listens_on_the_configured_address(string address)
    {
        var plan = Resolve(new GatewayClusterOptions { ListenAddress = address, AdvertisedAddress = "192.0.2.7" }, Remote);
        Assert.Equal(IPAddress.Parse(address), plan.ListenAddress);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), plan.AdvertisedAddress);
    }

    [Fact]
    public void Resolve_localhost_mode_accepts_a_loopback_listen_address()
    {
        var plan = Resolve(new GatewayClusterOptions { ListenAddress = "127.0.0.1" }, null);
        Assert.Equal(IPAddress.Loopback, plan.ListenAddress);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    public void Resolve_localhost_mode_with_a_non_loopback_listen_address_is_refused(string address)
    {
        var e = Assert.Throws<GatewayStartupException>(() => Resolve(new GatewayClusterOptions { ListenAddress = address }, null));
        Assert.Contains($"Gateway:Cluster:ListenAddress '{address}' is not a loopback address", e.Message);
    }

    [Theory]
    [InlineData("Tls", "maybe")]
    [InlineData("SiloPort", "eleven")]
    [InlineData("GatewayPort", "30000x")]
    public void Bind_value_of_the_wrong_type_stops_the_start_naming_the_option(string option, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>($"Gateway:Cluster:{option}", value)]).Build();
        var e = Assert.Throws<GatewayStartupException>(() => ClusterSetup.Bind(configuration));
        Assert.Contains($"Gateway:Cluster:{option}", e.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Bind_tls_is_read(string value, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("Gateway:Cluster:Tls", value)]).Build();
        Assert.Equal(expected, ClusterSetup.Bind(configuration).Tls);
    }

    [Fact]
    public void Resolve_postgres_mode_with_tls_off_is_honoured()
    {
        Assert.False(Resolve(new GatewayClusterOptions { Tls = false }, Remote).Tls);
    }

    [Fact]
    public void Resolve_external_database_defaults_to_postgres_mode_advertising_the_machine_address()
    {
        var plan = Resolve(new GatewayClusterOptions(), Remote);
        Assert.True(plan.IsPostgres);
        Assert.Equal(MachineIp, plan.AdvertisedAddress);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Database=gateway")]
    [InlineData("Host=localhost;Database=gateway")]
    [InlineData("Host=::1;Database=gateway")]
    [InlineData("Host=/var/run/postgresql;Database=gateway")]
    [InlineData("Host=127.0.0.1,localhost:5433;Database=gateway")]
    [InlineData("Host=[::1]:5433;Database=gateway")]
    [InlineData("Host=127.0.0.2:5433;Database=gateway")]
    public void Resolve_database_on_this_machine_advertises_loopback(string connectionString)
    {
        var plan = Resolve(new GatewayClusterOptions { Mode = "postgres" }, connectionString);
        Assert.Equal(IPAddress.Loopback, plan.AdvertisedAddress);
    }

    [Fact]
    public void Resolve_postgres_mode_on_the_embedded_database_advertises_loopback()
    {
        var plan = Resolve(new GatewayClusterOptions { Mode = "Postgres" }, "");
        Assert.True(plan.IsPostgres);
        Assert.Equal(IPAddress.Loopback, plan.AdvertisedAddress);
    }

    [Fact]
    public void Resolve_mixed_local_and_remote_hosts_is_not_local()
    {
        Assert.False(ClusterSetup.IsLocalDatabase("Host=127.0.0.1,db.internal;Database=gateway"));
        Assert.False(ClusterSetup.IsLocalDatabase("Host=localhost.example.com;Database=gateway"));
        Assert.False(ClusterSetup.IsLocalDatabase("Host=[2001:db8::1]:5432;Database=gateway"));
    }

    [Fact]
    public void Resolve_explicit_localhost_mode_on_an_external_database_stays_a_single_loopback_silo()
    {
        var plan = Resolve(new GatewayClusterOptions { Mode = "localhost" }, Remote);
        Assert.False(plan.IsPostgres);
        Assert.Equal(IPAddress.Loopback, plan.AdvertisedAddress);
    }

    [Fact]
    public void Resolve_configured_ip_is_advertised_as_is()
    {
        var plan = Resolve(new GatewayClusterOptions { AdvertisedAddress = "192.0.2.7" }, Remote);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), plan.AdvertisedAddress);
    }

    [Fact]
    public void Resolve_configured_host_name_prefers_a_non_loopback_ipv4_address()
    {
        var plan = Resolve(new GatewayClusterOptions { AdvertisedAddress = "gateway-2" }, Remote,
            name => name == "gateway-2" ? [IPAddress.IPv6Loopback, IPAddress.Loopback, IPAddress.Parse("172.18.0.5")] : []);
        Assert.Equal(IPAddress.Parse("172.18.0.5"), plan.AdvertisedAddress);
    }

    [Theory]
    [InlineData("Mode", "cluster", "Gateway:Cluster:Mode 'cluster' is not supported")]
    [InlineData("SiloPort", "0", "Gateway:Cluster:SiloPort 0 is not a port")]
    [InlineData("SiloPort", "70000", "Gateway:Cluster:SiloPort 70000 is not a port")]
    [InlineData("GatewayPort", "-1", "Gateway:Cluster:GatewayPort -1 is not a port")]
    [InlineData("GatewayPort", "11111", "Gateway:Cluster:GatewayPort and Gateway:Cluster:SiloPort are both 11111")]
    [InlineData("ClusterId", "", "Gateway:Cluster:ClusterId '' must be")]
    [InlineData("ClusterId", "a b", "Gateway:Cluster:ClusterId 'a b' must be")]
    [InlineData("ServiceId", "x;drop", "Gateway:Cluster:ServiceId 'x;drop' must be")]
    [InlineData("ListenAddress", "gateway-1", "Gateway:Cluster:ListenAddress 'gateway-1' is not an IP address")]
    [InlineData("ListenAddress", "10.0.0.300", "Gateway:Cluster:ListenAddress '10.0.0.300' is not an IP address")]
    [InlineData("AdvertisedAddress", "0.0.0.0", "Gateway:Cluster:AdvertisedAddress '0.0.0.0' is the wildcard address")]
    [InlineData("AdvertisedAddress", "no-such-host.invalid", "Gateway:Cluster:AdvertisedAddress 'no-such-host.invalid' is neither an IP address nor a resolvable host name")]
    public void Resolve_bad_value_stops_the_start_naming_the_option(string option, string value, string message)
    {
        var options = new GatewayClusterOptions { Mode = "postgres" };
        switch (option)
        {
            case "Mode": options.Mode = value; break;
            case "SiloPort": options.SiloPort = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "GatewayPort": options.GatewayPort = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "ClusterId": options.ClusterId = value; break;
            case "ServiceId": options.ServiceId = value; break;
            case "AdvertisedAddress": options.AdvertisedAddress = value; break;
            case "ListenAddress": options.ListenAddress = value; break;
        }

        var e = Assert.Throws<GatewayStartupException>(() => Resolve(options, Remote));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Resolve_advertised_address_in_localhost_mode_is_refused()
    {
        var e = Assert.Throws<GatewayStartupException>(() => Resolve(new GatewayClusterOptions { AdvertisedAddress = "10.0.0.1" }, null));
        Assert.Contains("Gateway:Cluster:AdvertisedAddress is set but Gateway:Cluster:Mode is localhost", e.Message);
    }

    [Fact]
    public void Resolve_no_machine_address_asks_for_one()
    {
        var e = Assert.Throws<GatewayStartupException>(() => ClusterSetup.Resolve(new GatewayClusterOptions(), Remote, machineAddress: () => null));
        Assert.Contains("set Gateway:Cluster:AdvertisedAddress", e.Message);
    }

    [Fact]
    public void Resolve_malformed_connection_string_names_it()
    {
        var e = Assert.Throws<GatewayStartupException>(() => Resolve(new GatewayClusterOptions(), "Host=db;Bogus Keyword=1"));
        Assert.Contains("ConnectionStrings:Gateway", e.Message);
    }
}
