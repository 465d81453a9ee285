using System.Globalization;

namespace Gateway.LoadTests.Running;

/// <summary>
/// CPU time of server processes on this machine (<c>--server-pid</c>), read from <c>/proc</c>: each given process and
/// all its descendants (the gateway's embedded PostgreSQL backends, say), summed by command name. On a shared, noisy
/// machine throughput swings with the neighbours, but CPU time per request barely does: it is the figure to compare
/// before and after an optimisation. Linux only; elsewhere (or for a pid that is gone) the snapshot is empty.
/// </summary>
internal static class ProcessCpu
{
    /// <summary>USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100.0;

    /// <summary>
    /// Command name (e.g. <c>dotnet</c>, <c>postgres</c>, <c>cfssl</c>), prefixed with the root's label when it has one
    /// (<c>node2:dotnet</c>), → CPU seconds so far, user + system, over the trees of <paramref name="roots"/>.
    /// </summary>
    public static Dictionary<string, double> Snapshot(IReadOnlyList<ServerProcess> roots)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (roots.Count == 0 || !Directory.Exists("/proc")) return result;
        var stats = new Dictionary<int, (int Parent, string Name, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (TryRead(pid, out var stat)) stats[pid] = stat;
        }
        var children = stats.GroupBy(s => s.Value.Parent).ToDictionary(g => g.Key, g => g.Select(s => s.Key).ToList());
        var seen = new HashSet<int>();
        var queue = new Queue<(int Pid, string? Label)>(roots.Where(r => stats.ContainsKey(r.Pid)).Select(r => (r.Pid, r.Label)));
        while (queue.Count > 0)
        {
            var (pid, label) = queue.Dequeue();
            if (!seen.Add(pid)) continue;
            var (_, comm, ticks) = stats[pid];
            var name = label is null ? comm : $"{label}:{comm}";
            result[name] = result.GetValueOrDefault(name) + (ticks / TicksPerSecond);
            if (children.TryGetValue(pid, out var kids)) foreach (var kid in kids) queue.Enqueue((kid, label));
        }
        return result;
    }

    /// <summary><paramref name="after"/> minus <paramref name="before"/>, per name (processes that appeared count from zero).</summary>
    public static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => Math.Max(0, a.Value - before.GetValueOrDefault(a.Key)), StringComparer.Ordinal);

    // /proc/<pid>/stat: "pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17) ..."; comm may hold spaces.
    // cutime/cstime count children that exited and were reaped (short-lived PostgreSQL backends).
    private static bool TryRead(int pid, out (int Parent, string Name, long Ticks) stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open) return false;
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 15) return false;
        long Field(int n) => long.Parse(fields[n - 3], NumberStyles.Integer, CultureInfo.InvariantCulture);
        stat = ((int)Field(4), text[(open + 1)..close], Field(14) + Field(15) + Field(16) + Field(17));
        return true;
    }
}
