using System.Net;
using Gateway.Admin;
using Gateway.Admin.Authentication;
using Gateway.Ca;
using Gateway.Cluster;
using Gateway.Grains;
using Gateway.Protocols.Est;
using Gateway.Protocols.Ocsp;
using Gateway.Protocols.Acme;
using Gateway.Protocols.Cmp;
using Gateway.Protocols.Scep;
using Gateway.Server.Metrics;
using Gateway.Store;
using Gateway.Hosting.Postgres;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>Composes the gateway: configuration, PostgreSQL (embedded or configured), CA, store, Orleans silo, admin API, Kestrel TLS.</summary>
public static class GatewayApp
{
    /// <summary>
    /// Issue 14 item 1: the database must keep what it commits. Unsafe effective settings stop the start, naming the
    /// setting and the override; with <see cref="DurabilitySettings.AllowUnsafeOption"/> they are logged as a warning.
    /// </summary>
    private static async Task CheckDurabilityAsync(string connectionString, IConfiguration configuration, EmbeddedPostgres? embedded, ILogger log)
    {
        DurabilitySettings settings;
        try
        {
            settings = await DurabilitySettings.ReadAsync(connectionString);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            if (embedded is not null) await embedded.StopAsync();
            throw new GatewayStartupException($"Cannot read the database's durability settings: {ex.Message}", ex);
        }
        var problems = settings.Problems;
        if (problems.Count == 0)
        {
            log.LogInformation("Database durability: {Settings}", settings);
            return;
        }
        var text = string.Join("; ", problems);
        if (configuration.GetValue<bool>(DurabilitySettings.AllowUnsafeOption))
        {
            log.LogWarning("Database durability is unsafe and {Option} allows it: {Problems}", DurabilitySettings.AllowUnsafeOption, text);
            return;
        }
        if (embedded is not null) await embedded.StopAsync();
        throw new GatewayStartupException(
            $"The database does not keep what it commits: {text}. Fix the setting(s), or set {DurabilitySettings.AllowUnsafeOption}=true to start anyway.");
    }

    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        // appsettings.json ships next to the binaries; relative paths (DataDir, policies) stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;
        ShippedSettings.AddDefaults(configuration, builder.Environment.ContentRootPath);
        using var bootLogs = LoggerFactory.Create(l => l.AddConsole().SetMinimumLevel(LogLevel.Information));
        var log = bootLogs.CreateLogger("Gateway.Startup");

        var dataDir = Path.GetFullPath(configuration["Gateway:DataDir"] is { Length: > 0 } d ? d : "./data");
        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayStartupException($"Gateway:DataDir '{dataDir}' cannot be created: {ex.Message}", ex);
        }
        configuration["Gateway:DataDir"] = dataDir;

        var connectionString = configuration.GetConnectionString("Gateway");
        // Resolved before any PostgreSQL starts, so a bad cluster setting stops the start with nothing to clean up.
        var cluster = ClusterSetup.Resolve(ClusterSetup.Bind(configuration), connectionString);
        PublicBaseUrlRequirement.Check(cluster, configuration);
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                var embeddedOptions = new EmbeddedPostgresOptions { DataDirectory = Path.Combine(dataDir, "pg") };
                if (configuration[EmbeddedPostgresOptions.StartTimeoutOption] is { Length: > 0 } startTimeout)
                {
                    embeddedOptions.StartTimeout = TimeSpan.TryParse(startTimeout, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                        ? parsed
                        : throw new GatewayStartupException($"{EmbeddedPostgresOptions.StartTimeoutOption} '{startTimeout}' is not a duration (e.g. 00:10:00).");
                }
                embedded = await EmbeddedPostgres.StartAsync(embeddedOptions, bootLogs.CreateLogger<EmbeddedPostgres>());
            }
            catch (EmbeddedPostgresException ex)
            {
                throw new GatewayStartupException(ex.Message, ex);
            }
            catch (ArgumentException ex)
            {
                throw new GatewayStartupException(ex.Message, ex);
            }
            connectionString = embedded.ConnectionString;
        }
        else
        {
            log.LogInformation("Using the PostgreSQL of ConnectionStrings:Gateway");
        }

        var services = builder.Services;
        // First hosted service registered = last stopped: PostgreSQL outlives the silo and the store.
        services.AddSingleton(new GatewayConnection(connectionString, embedded is not null));
        services.AddHostedService(_ => new EmbeddedPostgresLifetime(embedded));

        services.AddSingleton<IPublicBaseUrlSource, ListeningAddressBaseUrl>();
        services.AddGatewayCa(configuration);
        services.AddGatewayStore(configuration, connectionString);
        services.AddGatewayGrains(configuration);
        services.AddGatewayAdmin(configuration);
        services.AddGatewayEst(configuration);
        services.AddGatewayScep(configuration);
        services.AddScepRa();
        services.AddGatewayCmp(configuration);
        services.AddCmpResponder();
        services.AddGatewayAcme(configuration);
        services.AddGatewayOcsp();
        services.AddGatewayMetrics(configuration);

        builder.UseOrleans(silo =>
        {
            if (cluster.IsPostgres)
            {
                // Membership in the gateway's PostgreSQL: every node on this database with this ClusterId forms one cluster.
                silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.ConfigureEndpoints(cluster.AdvertisedAddress, cluster.SiloPort, cluster.GatewayPort);
                silo.Services.AddGatewayPostgresClustering(connectionString);
                silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(configuration.GetSection(GatewayClusterOptions.MembershipSection));
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
            }

            // GatewayPort 0: Orleans opens no client gateway (the front-ends call grains in-process).
            silo.Configure<Orleans.Configuration.EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = cluster.AdvertisedAddress;
                o.SiloListeningEndpoint = new IPEndPoint(cluster.ListenAddress, cluster.SiloPort);
                o.GatewayListeningEndpoint = cluster.HasClientGateway ? new IPEndPoint(cluster.ListenAddress, cluster.GatewayPort) : null;
            });
            if (cluster.Tls)
            {
                SiloTls.Use(silo, cluster);
            }
        });
        log.LogInformation(
            "Orleans clustering: {Mode}, cluster '{ClusterId}', silo listening on {Listen}:{SiloPort} advertised as {Address}, TLS {Tls}, client gateway {Gateway}",
            cluster.Mode, cluster.ClusterId, cluster.ListenAddress, cluster.SiloPort, cluster.AdvertisedAddress, cluster.Tls ? "on" : "off",
            cluster.HasClientGateway ? $"on port {cluster.GatewayPort}" : "off");
        ClusterTransportAdvice.Warn(cluster, log);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                var provider = kestrel.ApplicationServices.GetRequiredService<ServerCertificateProvider>();
                https.ServerCertificateSelector = (_, _) => provider.GetCertificate();
                // Send the issuing CA with the leaf (a selector alone sends only the leaf), and pick up renewals per connection.
                https.OnAuthenticate = (_, ssl) =>
                {
                    ssl.ServerCertificateSelectionCallback = null;
                    ssl.ServerCertificate = null;
                    ssl.ServerCertificateContext = provider.GetCertificateContext();
                    // The handshake builds the client certificate's chain: never from URLs the client chose (AIA), nor with
                    // revocation fetches. The front-ends check client certificates themselves (IEnrollmentPort).
                    ssl.CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
                    {
                        DisableCertificateDownloads = true,
                        RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    };
                };
                // EST authenticates devices by TLS client certificate; the front-end decides which anchors it trusts.
                https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
            });
        });

        // Readiness, each check named in the answer (ReadinessResponseWriter).
        services.AddSingleton<DurabilityReadinessCheck>();
        services.AddSingleton<WritePathReadinessCheck>();
        services.AddHealthChecks()
            .AddCheck<StoreReadinessCheck>("store", tags: ["ready"])
            .AddCheck<SiloReadinessCheck>("silo", tags: ["ready"])
            .AddCheck<WritePathReadinessCheck>("write-path", tags: ["ready"])
            .AddCheck<DurabilityReadinessCheck>("durability", tags: ["ready"])
            .AddCheck<RevocationFeedReadinessCheck>("revocation-feed", tags: ["ready"])
            .AddCheck<PolicyReadinessCheck>("policy", tags: ["ready"])
            .AddCheck<CaReadinessCheck>("ca", tags: ["ready"])
            .AddCheck<CrlReadinessCheck>("crl", tags: ["ready"]);
        services.AddExceptionHandler<ClusterUnavailableExceptionHandler>();

        var app = builder.Build();

        // Fail fast, with the option named, on bad configuration; create CA material and the admin key now, not on first request.
        try
        {
            app.Services.GetRequiredService<ICertificateAuthority>();
            app.Services.GetRequiredService<ApiKeyStore>();
            app.Services.GetRequiredService<Gateway.Grains.Profiles.ProfileCatalogProvider>();
            app.Services.GetRequiredService<CredentialSecretProtector>();
            app.Services.GetRequiredService<MetricsAccess>();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or ArgumentException or IOException)
        {
            await app.DisposeAsync(); // its meters are process-wide: a failed start leaves none behind
            if (embedded is not null) await embedded.StopAsync();
            throw new GatewayStartupException(ex.Message, ex);
        }

        // The database is first reached here, after every option has been validated: it must keep what it commits.
        try
        {
            await CheckDurabilityAsync(connectionString, configuration, embedded, log);
        }
        catch (GatewayStartupException)
        {
            await app.DisposeAsync();
            throw;
        }

        if (cluster.IsPostgres)
        {
            try
            {
                await ClusterSharedMaterialCheck.RunAsync(
                    app.Services.GetRequiredService<SharedMaterialRegistry>(), app.Services.GetRequiredService<ICertificateAuthority>(),
                    app.Services.GetRequiredService<CredentialSecretProtector>().KeyId, cluster,
                    configuration.GetValue<bool>(GatewayClusterOptions.Section + ":ReplaceSharedMaterial"), app.Services.GetRequiredService<TimeProvider>(), log);
            }
            catch (GatewayStartupException)
            {
                if (embedded is not null) await embedded.StopAsync();
                throw;
            }
            ClusterSecretsAdvice.Warn(configuration, log);
        }

        if (cluster.Tls)
        {
            // This node's silo certificate, once the CA is known to be the cluster's and before the silo starts: a CA that
            // cannot issue it stops the start here rather than failing every silo handshake.
            try
            {
                app.Services.GetRequiredService<SiloCertificateProvider>().GetCertificate();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException or System.Security.Cryptography.CryptographicException)
            {
                if (embedded is not null) await embedded.StopAsync();
                throw new GatewayStartupException($"This node's silo certificate for {GatewayClusterOptions.Section}:Tls cannot be issued: {ex.Message}", ex);
            }
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseGatewayAdminGuard();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGatewayAdmin();
        app.MapCaEndpoints();
        app.MapEstEndpoints();
        app.MapScepEndpoints();
        app.MapCmpEndpoints();
        app.MapAcmeEndpoints();
        app.MapOcspEndpoints();
        app.MapCrlEndpoints();
        app.MapGatewayMetrics();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = ReadinessResponseWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}
