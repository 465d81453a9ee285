namespace Gateway.Hosting.Postgres;

/// <summary>Where and how <see cref="EmbeddedPostgres"/> runs its private PostgreSQL cluster.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>
    /// The cluster's data directory (required), e.g. <c>&lt;Gateway:DataDir&gt;/pg</c>. Created (with initdb) when missing or empty;
    /// an existing non-empty directory must be a PostgreSQL data directory.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// TCP port on 127.0.0.1. 0 (the default) picks a free port on first start and remembers it in
    /// <c>&lt;DataDirectory&gt;/gateway.port</c>, so restarts reuse it while it stays free.
    /// </summary>
    public int Port { get; set; }

    /// <summary>Directory holding initdb, pg_ctl and postgres; null finds one with <see cref="EmbeddedPostgres.FindBinDirectory"/>.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Configuration key of <see cref="StartTimeout"/>.</summary>
    public const string StartTimeoutOption = "Gateway:Store:EmbeddedStartTimeout";

    /// <summary>
    /// How long starting the server may take (default 10 minutes): after a crash PostgreSQL replays its write-ahead log
    /// before it accepts connections, which on a large database takes minutes; the start waits for it rather than fail.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The database the <see cref="EmbeddedPostgres.ConnectionString"/> points to; created if missing, owned by the role <c>gateway</c>.</summary>
    public string Database { get; set; } = "gateway";
}
