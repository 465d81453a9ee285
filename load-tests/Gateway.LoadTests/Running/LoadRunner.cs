using System.Diagnostics;
using System.Globalization;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;
using Gateway.LoadTests.Scenarios;
using HdrHistogram;

namespace Gateway.LoadTests.Running;

/// <summary>
/// Drives one scenario in one load shape: warmup, measured window, drain. Closed loops (<c>--concurrency</c>,
/// <c>--ramp</c>) run one task per worker; the open loop (<c>--rate</c>) runs a dispatcher that starts request i at
/// <c>start + i/rate</c> and measures its latency from that intended time.
/// </summary>
internal sealed class LoadRunner
{
    private readonly HarnessOptions _options;
    private readonly Scenario _scenario;
    private readonly ScenarioContext _context;
    private readonly CsrPool _pool;
    private readonly long _start;
    private readonly long _warmupEnd;
    private readonly long _end;
    private readonly Uri[] _targets;
    private long _nextTarget = -1;

    public LoadRunner(HarnessOptions options, Scenario scenario, ScenarioContext context, CsrPool pool)
    {
        _options = options;
        _scenario = scenario;
        _context = context;
        _pool = pool;
        _targets = [.. options.BaseUrls];
        _start = Stopwatch.GetTimestamp();
        _warmupEnd = _start + Ticks(options.WarmupSeconds);
        _end = _warmupEnd + Ticks(options.EffectiveDurationSeconds);
        Metrics = new RunMetrics(_warmupEnd, _end);
    }

    public RunMetrics Metrics { get; }

    public async Task<RunTimes> RunAsync(CancellationToken abort)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var cpuAtMeasureStart = TimeSpan.Zero;
        var serverCpuAtMeasureStart = new Dictionary<string, double>();
        string? loadAtMeasureStart = null;
        using var progressStop = new CancellationTokenSource();
        var timeline = new List<TimelinePoint>();
        var progress = ProgressLoopAsync(timeline, progressStop.Token);
        var measureStart = Task.Run(async () =>
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _warmupEnd);
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, abort); } catch (TaskCanceledException) { return; }
            }
            cpuAtMeasureStart = Process.GetCurrentProcess().TotalProcessorTime;
            serverCpuAtMeasureStart = ProcessCpu.Snapshot(_options.ServerPids);
            loadAtMeasureStart = ReadLoadAverage();
        }, CancellationToken.None);

        if (_options.Shape == LoadShapeKind.Rate)
        {
            await OpenLoopAsync(abort);
        }
        else
        {
            var workers = Enumerable.Range(0, _options.MaxWorkers).Select(k => Task.Run(() => WorkerAsync(k, abort), CancellationToken.None));
            await Task.WhenAll(workers);
        }
        await measureStart;
        var stoppedAt = Stopwatch.GetTimestamp();
        var aborted = abort.IsCancellationRequested;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtMeasureStart;
        var serverCpu = ProcessCpu.Delta(serverCpuAtMeasureStart, ProcessCpu.Snapshot(_options.ServerPids));
        var loadAtEnd = ReadLoadAverage();
        await progressStop.CancelAsync();
        await progress;

        // The window ends at the scheduled end, or later if a measured request finished later (a drained open loop
        // behind a slow server), or earlier if the run was aborted.
        var windowEnd = aborted ? Math.Min(stoppedAt, _end) : _end;
        windowEnd = Math.Max(windowEnd, Metrics.LastMeasuredDone);
        var measuredSeconds = Math.Max(0, Stopwatch.GetElapsedTime(_warmupEnd, windowEnd).TotalSeconds);
        return new RunTimes(startedAt, measuredSeconds, aborted, cpu, loadAtMeasureStart, loadAtEnd, serverCpu, timeline);
    }

    private int TargetWorkers(long now)
    {
        if (_options.Shape != LoadShapeKind.Ramp) return _options.Concurrency;
        if (now < _warmupEnd) return _options.RampFrom;
        var fraction = Math.Min(1.0, Stopwatch.GetElapsedTime(_warmupEnd, now).TotalSeconds / _options.RampSeconds);
        return (int)Math.Round(_options.RampFrom + ((_options.RampTo - _options.RampFrom) * fraction));
    }

    private async Task WorkerAsync(int k, CancellationToken abort)
    {
        while (!abort.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= _end) return;
            if (k >= TargetWorkers(now))
            {
                try { await Task.Delay(10, abort); } catch (TaskCanceledException) { return; }
                continue;
            }
            await SendOneAsync(now, abort);
        }
    }

    private async Task OpenLoopAsync(CancellationToken abort)
    {
        var interval = Stopwatch.Frequency / _options.Rate;
        using var slots = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        long i = 0;
        while (!abort.IsCancellationRequested)
        {
            var intended = _start + (long)(i * interval);
            if (intended >= _end) break;
            var now = Stopwatch.GetTimestamp();
            if (now < intended)
            {
                // Sleep in ~1 ms steps; a late wake-up does not hide anything, since latency counts from `intended`.
                var ms = Stopwatch.GetElapsedTime(now, intended).TotalMilliseconds;
                try { await Task.Delay(ms >= 2 ? TimeSpan.FromMilliseconds(ms - 1) : TimeSpan.FromMilliseconds(1), abort); }
                catch (TaskCanceledException) { break; }
                continue;
            }
            try { await slots.WaitAsync(abort); } catch (OperationCanceledException) { break; }
            var at = intended;
            _ = Task.Run(async () =>
            {
                try { await SendOneAsync(at, abort); }
                finally { slots.Release(); }
            }, CancellationToken.None);
            i++;
        }
        // Drain: wait for what is in flight (bounded by the request timeout).
        var drainUntil = Stopwatch.GetTimestamp() + Ticks(_options.TimeoutSeconds + 5);
        while (Metrics.InFlight > 0 && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private async Task SendOneAsync(long intended, CancellationToken abort)
    {
        var request = _pool.Next();
        var target = _targets.Length == 1 ? _targets[0] : _targets[(int)((ulong)Interlocked.Increment(ref _nextTarget) % (ulong)_targets.Length)];
        Metrics.Started();
        var started = Stopwatch.GetTimestamp();
        ScenarioOutcome outcome;
        try
        {
            outcome = await _scenario.ExecuteAsync(_context, target, request, abort);
        }
        catch (Exception ex)
        {
            outcome = ScenarioOutcome.FromException(ex, abort.IsCancellationRequested);
        }
        Metrics.Record(intended, started, Stopwatch.GetTimestamp(), outcome, target);
    }

    private async Task ProgressLoopAsync(List<TimelinePoint> timeline, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastCompleted = 0, lastFailed = 0;
        // On a terminal the line is redrawn in place (a phase change keeps the last line of the phase before); in a log, one line a second.
        var liveLine = !Console.IsErrorRedirected;
        string? lastPhase = null;
        while (true)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(stop)) break;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
            var phase = now < _warmupEnd ? "warmup" : now < _end ? "measure" : "drain";
            var completed = Metrics.Completed;
            var failed = Metrics.Failed;
            var interval = Metrics.TakeInterval();
            var workers = _options.Shape == LoadShapeKind.Rate ? 0 : TargetWorkers(Math.Min(now, _end - 1));
            var point = new TimelinePoint(
                Math.Round(elapsed, 1), phase, workers, Metrics.InFlight, completed - lastCompleted, failed - lastFailed,
                Ms(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(50)),
                Ms(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99)),
                Ms(interval.TotalCount == 0 ? 0 : interval.GetMaxValue()));
            timeline.Add(point);
            if (!_options.Quiet)
            {
                var soFar = now < _warmupEnd ? Metrics.WarmupOk : Metrics.MeasuredOk;
                var p99 = soFar.TotalCount == 0 ? 0 : Ms(soFar.GetValueAtPercentile(99));
                var shape = _options.Shape == LoadShapeKind.Rate
                    ? "rate " + _options.Rate.ToString("0.#", CultureInfo.InvariantCulture)
                    : "workers " + workers.ToString(CultureInfo.InvariantCulture);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"[{elapsed,6:0.0}s] {phase,-7} {shape}  {completed - lastCompleted,6} req/s  p99 so far {p99,8:0.00} ms  errors {failed}  in flight {point.InFlight}");
                if (liveLine)
                {
                    if (lastPhase is not null && lastPhase != phase) Console.Error.WriteLine();
                    Console.Error.Write("\r" + line + "\u001b[K");
                }
                else
                {
                    Console.Error.WriteLine(line);
                }
                lastPhase = phase;
            }
            lastCompleted = completed;
            lastFailed = failed;
        }
        if (liveLine && lastPhase is not null) Console.Error.WriteLine();
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static string? ReadLoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Trim();
            var parts = text.Split(' ');
            return parts.Length >= 3 ? string.Join(' ', parts[..3]) : text;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
