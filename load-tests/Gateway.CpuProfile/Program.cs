using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

// gateway-cpu-profile TRACE.nettrace [LABEL=PID ...] [--top N [--focus TEXT]]
//
// Reads a `dotnet-trace collect-linux --profile cpu-sampling` trace (perf-event CPU samples of every process, with
// native and managed stacks) and says where each labelled process's CPU went: every sample is put in the first bucket
// of Buckets whose rule matches a frame of its stack (most specific first, so a Npgsql call made by the enrollment
// grain counts as "event append", not as "enrollment grain"). Unlabelled processes are summed by command name
// (all postgres backends as one). Prints one table: bucket × process, in percent of that process's samples. With
// --top N it then lists, per shown process, the N frames with the most inclusive samples (a frame counted once per
// sample however often it recurs in the stack): where inside a bucket the time goes. --focus TEXT restricts that list
// to the samples with a frame whose module or method contains TEXT (e.g. clrjit: what the JIT is compiling for).
// --self lists frames by exclusive samples instead (the leaf; a leaf without a symbol is shown with the first named
// frame above it), which is where the CPU itself is spent. --from S ignores the trace's first S seconds: starting a
// collect-linux session sets the gateway's JIT compiling for about 6 s (a third of its samples then, none after it;
// dotnet-counters shows no JIT in the same steady state without the trace), which is the trace's cost, not the gateway's.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: gateway-cpu-profile TRACE.nettrace [LABEL=PID ...] [--from SECONDS] [--top N [--focus TEXT] [--self]]");
    return args.Length == 0 ? 1 : 0;
}
var labels = new Dictionary<int, string>();
var top = 0;
string? focus = null;
var self = false;
var fromMs = 0.0;
for (var i = 1; i < args.Length; i++)
{
    var a = args[i];
    if (a == "--self")
    {
        self = true;
        continue;
    }
    if (a == "--from" && i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var from))
    {
        fromMs = from * 1000;
        i++;
        continue;
    }
    if (a == "--focus" && i + 1 < args.Length)
    {
        focus = args[++i];
        continue;
    }
    if (a == "--top" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out top))
    {
        i++;
        continue;
    }
    var eq = a.IndexOf('=', StringComparison.Ordinal);
    if (eq <= 0 || !int.TryParse(a[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
    {
        Console.Error.WriteLine($"'{a}' is not LABEL=PID");
        return 1;
    }
    labels[pid] = a[..eq];
}

var buckets = Buckets.All;
var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
var inclusive = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
// An .etlx (made from the .nettrace at the first read, which hotpath.sh then removes) is read as it is.
using (var log = new TraceLog(args[0].EndsWith(".etlx", StringComparison.OrdinalIgnoreCase) ? args[0] : TraceLog.CreateFromEventPipeDataFile(args[0])))
{
    foreach (var ev in log.Events)
    {
        if (ev.TimeStampRelativeMSec < fromMs) continue;
        var stack = ev.CallStack();
        if (stack is null) continue;
        var process = labels.TryGetValue(ev.ProcessID, out var label) ? label : ev.ProcessName;
        if (!counts.TryGetValue(process, out var row)) counts[process] = row = new int[buckets.Count + 1];
        row[buckets.Count]++;
        row[Buckets.Classify(stack)]++;
        if (top > 0 && (focus is null || StackHas(stack, focus)))
        {
            if (!inclusive.TryGetValue(process, out var frames)) inclusive[process] = frames = new Dictionary<string, int>(StringComparer.Ordinal);
            if (self)
            {
                var leaf = Frame(stack);
                var named = stack;
                while (named.Caller is not null && string.IsNullOrEmpty(named.CodeAddress.FullMethodName)) named = named.Caller;
                if (!ReferenceEquals(named, stack)) leaf += "  <  " + Frame(named);
                frames[leaf] = frames.GetValueOrDefault(leaf) + 1;
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var s = stack; s is not null; s = s.Caller)
                {
                    var frame = Frame(s);
                    if (seen.Add(frame)) frames[frame] = frames.GetValueOrDefault(frame) + 1;
                }
            }
        }
    }
}

var shown = counts.Where(c => labels.ContainsValue(c.Key) || c.Key == "postgres")
    .OrderBy(c => c.Key == "postgres").ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
if (labels.Count == 0) shown = [.. counts.OrderByDescending(c => c.Value[^1]).Take(6)];
Console.Write($"{"bucket",-44}");
foreach (var (name, _) in shown) Console.Write($"{name,12}");
Console.WriteLine();
for (var b = 0; b < buckets.Count; b++)
{
    if (shown.All(s => s.Value[b] == 0)) continue;
    Console.Write($"{buckets[b].Name,-44}");
    foreach (var (_, row) in shown) Console.Write($"{100.0 * row[b] / Math.Max(1, row[^1]),11:F1}%");
    Console.WriteLine();
}
Console.Write($"{"samples",-44}");
foreach (var (_, row) in shown) Console.Write($"{row[^1],12}");
Console.WriteLine();
foreach (var (name, row) in top > 0 ? shown : [])
{
    Console.WriteLine();
    Console.WriteLine($"{name}: top {top} frames by {(self ? "exclusive" : "inclusive")} samples{(focus is null ? "" : $" of the samples with a frame containing '{focus}'")}");
    if (!inclusive.TryGetValue(name, out var frames)) continue;
    foreach (var (frame, n) in frames.OrderByDescending(f => f.Value).Take(top))
    {
        Console.WriteLine($"{100.0 * n / Math.Max(1, row[^1]),6:F1}%  {(frame.Length > 220 ? frame[..220] : frame)}");
    }
}
return 0;

static string Frame(TraceCallStack s) =>
    (s.CodeAddress.ModuleName ?? "?") + "!" + (s.CodeAddress.FullMethodName is { Length: > 0 } m ? m : "?");

static bool StackHas(TraceCallStack stack, string text)
{
    for (var s = stack; s is not null; s = s.Caller)
    {
        if ((s.CodeAddress.ModuleName ?? "").Contains(text, StringComparison.Ordinal)
            || (s.CodeAddress.FullMethodName ?? "").Contains(text, StringComparison.Ordinal))
        {
            return true;
        }
    }
    return false;
}

/// <summary>The hot path's cost centres, each a rule over one stack frame ("module!Namespace.Type::Method(...)").</summary>
internal static class Buckets
{
    public sealed record Bucket(string Name, Func<string, string, bool> Matches);

    public static readonly IReadOnlyList<Bucket> All =
    [
        new("JIT (tiered compilation)", (module, _) => module.Contains("clrjit", StringComparison.Ordinal)),
        new("thread-pool spin/wait", (_, f) => f.Contains("LowLevelLifoSemaphore", StringComparison.Ordinal)),
        new("CSR parse + signature check", (_, f) => f.Contains("Gateway.Pkix.Csr.", StringComparison.Ordinal)),
        new("sign (CA: TBSCertificate + ECDSA)", (module, _) => module == "gateway.ca"),
        new("policy", (module, _) => module == "gateway.policy"),
        new("event append (Marten, Npgsql)", (module, _) => module is "gateway.store" or "marten" or "npgsql" or "weasel.core" or "weasel.postgresql" or "jasperfx" or "jasperfx.events"),
        new("Orleans messaging (serialize, socket)", (_, f) => f.Contains("Orleans.Runtime.Messaging", StringComparison.Ordinal) || f.Contains("Orleans.Serialization", StringComparison.Ordinal) || f.Contains("Orleans.Networking", StringComparison.Ordinal)),
        new("TLS (SslStream)", (_, f) => f.Contains("System.Net.Security", StringComparison.Ordinal)),
        new("HTTP (Kestrel, routing, auth, JSON)", (module, f) => module.StartsWith("microsoft.aspnetcore", StringComparison.Ordinal) || module == "system.text.json" || f.Contains("Gateway.Protocols", StringComparison.Ordinal) || f.Contains("Gateway.Admin", StringComparison.Ordinal)),
        new("enrollment grain (rest)", (module, _) => module == "gateway.grains"),
        new("Orleans runtime (scheduling, activations)", (module, _) => module.StartsWith("orleans", StringComparison.Ordinal)),
        new("sockets, epoll", (module, _) => module == "system.net.sockets"),
        new("other managed", (module, f) => f.Contains("::", StringComparison.Ordinal)),
        new("kernel (scheduler, network, syscalls)", (module, _) => module == "vmlinux"),
        new("native: GC, runtime, libc, other", (_, _) => true),
    ];

    /// <summary>The first bucket (in order) with a frame anywhere in the stack that it matches.</summary>
    public static int Classify(TraceCallStack stack)
    {
        var frames = new List<(string Module, string Frame)>();
        for (var s = stack; s is not null; s = s.Caller)
        {
            frames.Add((s.CodeAddress.ModuleName ?? "", s.CodeAddress.FullMethodName ?? ""));
        }
        for (var b = 0; b < All.Count; b++)
        {
            foreach (var (module, frame) in frames)
            {
                if (All[b].Matches(module, frame)) return b;
            }
        }
        return All.Count - 1;
    }
}
