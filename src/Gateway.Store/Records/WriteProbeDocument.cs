namespace Gateway.Store.Records;

/// <summary>The last readiness write of one node (id = the node's name).</summary>
public sealed class WriteProbeDocument
{
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
}
