using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.LoadTests.Scenarios;
using HdrHistogram;

namespace Gateway.LoadTests.Running;

/// <summary>
/// Counts and latency histograms (HdrHistogram, microseconds, 3 significant digits). A request belongs to the
/// measured window when its intended send time lies in [warmup end, end); latency is from the intended send time
/// (the actual one in a closed loop) to the end of reading the answer.
/// </summary>
internal sealed class RunMetrics
{
    /// <summary>One hour in microseconds: anything longer is recorded as one hour.</summary>
    public const long HighestMicros = 3_600_000_000;

    private readonly long _warmupEnd;
    private readonly long _end;
    private readonly Recorder _intervalOk = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private long _completed;
    private long _failed;
    private long _inFlight;
    private long _lastMeasuredDone;

    public RunMetrics(long warmupEndTimestamp, long endTimestamp)
    {
        _warmupEnd = warmupEndTimestamp;
        _end = endTimestamp;
        _lastMeasuredDone = warmupEndTimestamp;
    }

    /// <summary>Successful measured requests: latency from intended send time.</summary>
    public LongConcurrentHistogram MeasuredOk { get; } = NewHistogram();

    /// <summary>Successful measured requests: latency from actual send time (differs from <see cref="MeasuredOk"/> only in an open loop).</summary>
    public LongConcurrentHistogram MeasuredServiceOk { get; } = NewHistogram();

    /// <summary>Failed measured requests: time until the failure was known.</summary>
    public LongConcurrentHistogram MeasuredFailed { get; } = NewHistogram();

    public LongConcurrentHistogram WarmupOk { get; } = NewHistogram();

    public ConcurrentDictionary<string, long> MeasuredErrors { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> WarmupErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>The first detail seen for each error kind (status line and body start, or exception message).</summary>
    public ConcurrentDictionary<string, string> ErrorSamples { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<IssuedItem> Issued { get; } = new();

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>When the last measured request finished (at least the warmup end).</summary>
    public long LastMeasuredDone => Interlocked.Read(ref _lastMeasuredDone);

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Record(long intended, long started, long done, ScenarioOutcome outcome, Uri baseUrl)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _completed);
        var latency = Micros(intended, done);
        var measured = intended >= _warmupEnd && intended < _end;
        if (outcome.Ok)
        {
            _intervalOk.RecordValue(latency);
            if (measured)
            {
                MeasuredOk.RecordValue(latency);
                MeasuredServiceOk.RecordValue(Micros(started, done));
            }
            else
            {
                WarmupOk.RecordValue(latency);
            }
            if (outcome.IssuedId is not null) Issued.Enqueue(new IssuedItem(outcome.IssuedId, baseUrl));
        }
        else
        {
            Interlocked.Increment(ref _failed);
            var kind = outcome.ErrorKind ?? "unknown";
            if (measured) MeasuredFailed.RecordValue(latency);
            (measured ? MeasuredErrors : WarmupErrors).AddOrUpdate(kind, 1, static (_, n) => n + 1);
            if (outcome.ErrorDetail is not null) ErrorSamples.TryAdd(kind, outcome.ErrorDetail);
        }
        if (measured)
        {
            var seen = Interlocked.Read(ref _lastMeasuredDone);
            while (done > seen)
            {
                var was = Interlocked.CompareExchange(ref _lastMeasuredDone, done, seen);
                if (was == seen) break;
                seen = was;
            }
        }
    }

    /// <summary>Successful requests' latencies since the previous call (for the per-second line and timeline).</summary>
    public HistogramBase TakeInterval() => _intervalOk.GetIntervalHistogram();

    private static long Micros(long from, long to)
    {
        var us = Stopwatch.GetElapsedTime(from, to).Ticks / (TimeSpan.TicksPerMillisecond / 1000);
        return Math.Clamp(us, 1, HighestMicros);
    }

    private static LongConcurrentHistogram NewHistogram() => new(1, HighestMicros, 3);
}
