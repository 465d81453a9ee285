using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.LoadTests.Reporting;

/// <summary>Writes a <see cref="RunReport"/> as the text summary and as JSON.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void WriteJson(RunReport report, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");
    }

    public static void WriteText(RunReport r, TextWriter w, string? jsonPath)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine(string.Create(c, $"scenario     {r.Scenario}  ({string.Join(", ", r.BaseUrls)})"));
        w.WriteLine(string.Create(c, $"shape        {r.Shape.Describe()}"));
        w.WriteLine(string.Create(c, $"time         warmup {r.WarmupSeconds} s, measured {r.MeasuredSeconds:0.00} s{(r.Aborted ? " (ABORTED early)" : "")}"));
        w.WriteLine(string.Create(c, $"requests     {r.Completed} measured: {r.Succeeded} ok, {r.Failed} failed"));
        w.WriteLine(string.Create(c, $"throughput   {r.Throughput:0.0} ok req/s  ({r.RequestRate:0.0} req/s incl. failures)"));
        WriteLatency(w, "latency ms", r.LatencyMs);
        if (r.ServiceTimeMs is not null) WriteLatency(w, "service ms", r.ServiceTimeMs);
        if (r.Errors.Count == 0)
        {
            w.WriteLine("errors       none");
        }
        else
        {
            w.WriteLine("errors       " + string.Join(", ", r.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} × {e.Value}")));
            WriteLatency(w, "failed ms", r.FailedLatencyMs);
        }
        if (r.WarmupErrors.Count > 0)
        {
            w.WriteLine("warmup errs  " + string.Join(", ", r.WarmupErrors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} × {e.Value}")));
        }
        foreach (var (kind, sample) in r.ErrorSamples.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            w.WriteLine($"  sample {kind}: {sample.ReplaceLineEndings(" ")}");
        }
        w.WriteLine(string.Create(c, $"pool         {r.Pool.Size} CSRs generated in {r.Pool.GenerationSeconds:0.0} s, {r.Pool.Used} sent{(r.Pool.Note is null ? "" : " — " + r.Pool.Note)}"));
        if (r.Verify is { } v)
        {
            var extra = v.Missing.Count > 0 ? $"; MISSING: {string.Join(' ', v.Missing)}" : "";
            if (v.Errors.Count > 0) extra += "; errors: " + string.Join(", ", v.Errors.Select(e => $"{e.Key} × {e.Value}"));
            w.WriteLine(string.Create(c, $"verify       {v.Present}/{v.Sampled} sampled of {v.Available} issued present ({v.What}){extra}"));
        }
        w.WriteLine(string.Create(c, $"generator    {r.Machine.GeneratorCpuSeconds:0.0} CPU s in the window = {r.Machine.GeneratorCores:0.00} of {r.Machine.ProcessorCount} cores"));
        if (r.ServerCpu.Count > 0)
        {
            w.WriteLine("server cpu   " + string.Join(", ", r.ServerCpu.Select(s => string.Create(c,
                $"{s.Process} {s.MsPerOkRequest:0.000} ms/ok request ({s.Cores:0.00} cores)"))));
        }
        w.WriteLine($"loadavg      at measure start {r.Machine.LoadAverageAtMeasureStart ?? "?"}, at end {r.Machine.LoadAverageAtEnd ?? "?"}");
        if (jsonPath is not null) w.WriteLine($"report       {jsonPath}");
    }

    private static void WriteLatency(TextWriter w, string label, LatencyReport? l)
    {
        if (l is null)
        {
            w.WriteLine($"{label,-12} (none)");
            return;
        }
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-12} p50 {l.P50:0.00}  p90 {l.P90:0.00}  p99 {l.P99:0.00}  p99.9 {l.P999:0.00}  max {l.Max:0.00}  mean {l.Mean:0.00}"));
    }
}
