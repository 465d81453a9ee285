using Gateway.Store.Records;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Marten on <paramref name="connectionString"/>: string stream ids, inline projections, the group-commit writer and the inventory queries.</summary>
    public static IServiceCollection AddGatewayStore(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddOptions<GatewayStoreOptions>()
            .Bind(configuration.GetSection(GatewayStoreOptions.Section))
            .Validate(o => o.MaxBatchSize is > 0 and <= 10_000, "Gateway:Store:MaxBatchSize must be between 1 and 10000")
            .Validate(o => o.Writers is > 0 and <= 64, "Gateway:Store:Writers must be between 1 and 64")
            .Validate(o => o.CommitQueueLimit is > 0 and <= 1_000_000, "Gateway:Store:CommitQueueLimit must be between 1 and 1000000")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Schema), "Gateway:Store:Schema must not be empty")
            .ValidateOnStart();
        var schema = configuration.GetSection(GatewayStoreOptions.Section)[nameof(GatewayStoreOptions.Schema)] ?? new GatewayStoreOptions().Schema;

        services.AddMarten(opts =>
            {
                opts.Connection(StoreConnectionString.WithDefaults(connectionString));
                ConfigureMarten(opts, schema);
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        services.AddMetrics();
        services.AddSingleton<StoreMetrics>();
        services.AddSingleton<GroupCommitWriter>();
        services.AddSingleton<IEventWriter>(sp => sp.GetRequiredService<GroupCommitWriter>());
        services.AddSingleton<InventoryQueries>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton(sp => new EnrollmentProbe(sp.GetRequiredService<IDocumentStore>(), connectionString));
        services.AddSingleton<EnrollmentQueries>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProfileStore>();
        services.AddSingleton<CredentialQueries>();
        services.AddSingleton<AcmeQueries>();
        services.AddSingleton<AdminAuditQueries>();
        services.AddSingleton<RevocationQueries>();
        services.AddSingleton<WriteProbe>();
        services.AddSingleton(sp => new RevocationFeed(connectionString, RevocationFeed.ChannelFor(schema),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RevocationFeed>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RevocationFeed>());
        return services;
    }

    /// <summary>
    /// The inline snapshot records: one document per stream, folded by its Create and Apply methods and written in the
    /// same commit as the stream's events (by Marten's session, or by <see cref="NewStreamWriter"/> for new streams).
    /// </summary>
    public static readonly IReadOnlyList<Type> InlineSnapshots =
    [
        typeof(CertificateRecord), typeof(EnrollmentRecord), typeof(ProfileRecord), typeof(CrlRecord), typeof(QuotaSlotRecord),
        typeof(CredentialRecord), typeof(AcmeAccountRecord), typeof(AcmeAccountKeyRecord), typeof(AcmeOrderRecord), typeof(AcmeAuthorizationRecord),
    ];

    private static readonly System.Reflection.MethodInfo InlineSnapshotMethod =
        typeof(StoreServiceCollectionExtensions).GetMethod(nameof(InlineSnapshot), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static void InlineSnapshot<T>(StoreOptions opts) where T : class => opts.Projections.Snapshot<T>(SnapshotLifecycle.Inline);

    /// <summary>The Marten configuration, shared by the host and by tests that build a store directly.</summary>
    public static void ConfigureMarten(StoreOptions opts, string schema)
    {
        opts.DatabaseSchemaName = schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Absent rather than null: an admin enrollment's events and snapshots carried about 340 bytes of null members
        // (revocation, renewal and confirmation fields not yet set), parsed into jsonb and written to the WAL with every
        // row. Reading a missing member gives the same null; Marten's LINQ `== null` is `->> 'X' is null`, true for both.
        if (opts.Serializer() is Marten.Services.SystemTextJsonSerializer json)
        {
            json.Configure(o =>
            {
                o.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
                // The JSON goes to PostgreSQL, never into a web page: no need to escape HTML-sensitive characters. The
                // default escaped every '+' of a certificate's and a CSR's base64 as six bytes ("\u002B"), and every
                // non-ASCII letter of a name, which PostgreSQL then had to unescape. jsonb stores the same values either way.
                o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            });
        }
        // After the serializer's configuration: the payloads are its JSON.
        JsonEventPayloads.Register(opts);
        foreach (var record in InlineSnapshots)
        {
            InlineSnapshotMethod.MakeGenericMethod(record).Invoke(null, [opts]);
        }
        opts.Schema.For<QuotaSlotRecord>().Duplicate(x => x.Key);
        opts.Listeners.Add(new RevocationNotifyListener(RevocationFeed.ChannelFor(schema)));
        opts.Schema.For<CertificateRecord>()
            .Duplicate(x => x.NotAfter)
            .Duplicate(x => x.Status, configure: i => i.Predicate = StatusIndex.CertificatePredicate)
            .Duplicate(x => x.Profile)
            .Duplicate(x => x.IssuedAt)
            .Duplicate(x => x.SpkiSha256!);
        // Explainability: enrollments listed newest first and filtered by status, profile and requester.
        opts.Policies.ForAllDocuments(EnrollmentColumns);
        opts.Schema.For<AcmeOrderRecord>().Duplicate(x => x.AccountId).Duplicate(x => x.Replaces!);
        opts.Schema.For<CredentialRecord>()
            .Duplicate(x => x.Profile)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.CreatedAt);
    }

    /// <summary>
    /// The enrollment table's duplicated columns: requested_at, status, profile, requester, request_key, in this order (the
    /// one existing tables have, request_key added last), and their indexes. Declared in a document policy, which Marten applies before the
    /// <c>Schema.For</c> alterations, because profile has a column and no index (<c>Duplicate</c> always adds one):
    /// raw SQL and the set-based writer use the column, but the only filter on it compares case-insensitively
    /// (<c>ILIKE</c>), which a btree cannot serve. Weasel drops the index from databases that have it.
    /// </summary>
    private static void EnrollmentColumns(Marten.Schema.DocumentMapping mapping)
    {
        if (mapping is not Marten.Schema.DocumentMapping<EnrollmentRecord> enrollments) return;
        enrollments.Duplicate(x => x.RequestedAt);
        enrollments.Duplicate(x => x.Status, configure: i => i.Predicate = StatusIndex.EnrollmentPredicate);
        enrollments.DuplicateField(nameof(EnrollmentRecord.Profile));
        enrollments.Duplicate(x => x.Requester);
        // A request found by a key of its own (EST) finds its enrollment here; one enrollment per key.
        enrollments.Duplicate(x => x.RequestKey!, configure: i =>
        {
            i.IsUnique = true;
            i.Predicate = "request_key is not null";
        });
    }
}
