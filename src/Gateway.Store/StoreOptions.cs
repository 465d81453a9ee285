namespace Gateway.Store;

/// <summary>Options of the event store (section <c>Gateway:Store</c>).</summary>
public sealed class GatewayStoreOptions
{
    public const string Section = "Gateway:Store";

    /// <summary>PostgreSQL schema for Marten's tables.</summary>
    public string Schema { get; set; } = "gateway";

    /// <summary>Most units committed together in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Commits that may be in flight at once. One by default: everything that arrives while a commit runs goes into the
    /// next, so fewer and larger transactions (measured with admin-enroll at 1,700/s on 2 cores: 0.82 ms of gateway and
    /// PostgreSQL CPU per enrollment with one writer, 0.94 ms with two).
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>
    /// Units that may wait for a commit at once; past it a new unit is refused at once (Unavailable, 503) instead of
    /// waiting while the store is slow or down.
    /// </summary>
    public int CommitQueueLimit { get; set; } = 4096;

    /// <summary>
    /// Commit groups that only start new streams (an enrollment with its certificate) as a few set-based statements in
    /// one round trip (<see cref="NewStreamWriter"/>) instead of Marten's per-stream append function. Off: every commit
    /// goes through Marten's session.
    /// </summary>
    public bool SetBasedAppends { get; set; } = true;

    /// <summary>Start even when the database's durability settings are unsafe (logged as a warning at every start).</summary>
    public bool AllowUnsafeDurability { get; set; }
}
