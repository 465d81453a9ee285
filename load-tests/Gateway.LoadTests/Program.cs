using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;
using Gateway.LoadTests.Reporting;
using Gateway.LoadTests.Running;
using Gateway.LoadTests.Scenarios;
using Gateway.LoadTests.Tls;

namespace Gateway.LoadTests;

/// <summary>
/// Entry point: parse, prepare the key pool, run, verify, report. Exit 0 ran, 1 usage/setup error, 2 verification found
/// missing items, 130 stopped by Ctrl+C (after writing what was measured).
/// </summary>
internal static class Program
{
    /// <summary>128 + SIGINT, as a shell reports a process ended by Ctrl+C.</summary>
    private const int ExitInterrupted = 130;

    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--list"))
        {
            foreach (var s in ScenarioCatalog.All) Console.WriteLine($"{s.Name,-14} {s.Description}");
            return 0;
        }
        if (OptionParser.IsHelp(args))
        {
            Console.WriteLine(OptionParser.Usage);
            return args.Length == 0 ? 1 : 0;
        }
        try
        {
            return await RunAsync(OptionParser.Parse(args));
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine("gateway-load: " + ex.Message);
            return 1;
        }
    }

    private static async Task<int> RunAsync(HarnessOptions options)
    {
        var scenario = ScenarioCatalog.Find(options.Scenario)
            ?? throw new UsageException($"unknown scenario '{options.Scenario}'; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");

        using var abort = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (abort.IsCancellationRequested) return;   // a second Ctrl+C ends the process
            e.Cancel = true;
            Console.Error.WriteLine("gateway-load: stopping (Ctrl+C again to quit at once)");
            abort.Cancel();
        };

        using var handler = CreateHandler(options);
        using var client = new HttpClient(handler, disposeHandler: false)
        {
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        var context = new ScenarioContext(client, options);
        await scenario.InitializeAsync(context, abort.Token);

        var poolSize = options.PoolSize ?? DefaultPoolSize(options);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway-load: {scenario.Name} against {string.Join(", ", options.BaseUrls)}; generating {poolSize} P-256 keys and CSRs on {Environment.ProcessorCount} cores"));
        CsrPool pool;
        try
        {
            pool = CsrPool.Generate(poolSize, options.NameSuffix, scenario, context, options.Quiet ? null : m => Console.Error.WriteLine("gateway-load: " + m), abort.Token,
                options.CommonName);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("gateway-load: stopped while generating keys; no report");
            return ExitInterrupted;
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway-load: {pool.Size} CSRs in {pool.GenerationTime.TotalSeconds:0.0} s; warmup {options.WarmupSeconds} s, then {options.EffectiveDurationSeconds} s measured"));

        var runner = new LoadRunner(options, scenario, context, pool);
        var times = await runner.RunAsync(abort.Token);
        var m = runner.Metrics;

        VerificationResult? verify = null;
        if (options.VerifySample > 0 && !abort.IsCancellationRequested)
        {
            using var verifyTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(60, options.TimeoutSeconds * 2)));
            verify = await scenario.VerifyAsync(context, [.. m.Issued], options.VerifySample, verifyTimeout.Token);
        }

        var succeeded = m.MeasuredOk.TotalCount;
        var failed = m.MeasuredFailed.TotalCount;
        var seconds = times.MeasuredSeconds;
        var report = new RunReport(
            scenario.Name,
            scenario.Description,
            [.. options.BaseUrls.Select(u => u.ToString())],
            ShapeReport.From(options),
            options.WarmupSeconds,
            options.EffectiveDurationSeconds,
            Math.Round(seconds, 3),
            times.StartedAt,
            times.Aborted,
            succeeded + failed,
            succeeded,
            failed,
            seconds > 0 ? Math.Round(succeeded / seconds, 1) : 0,
            seconds > 0 ? Math.Round((succeeded + failed) / seconds, 1) : 0,
            LatencyReport.From(m.MeasuredOk),
            options.Shape == LoadShapeKind.Rate ? LatencyReport.From(m.MeasuredServiceOk) : null,
            LatencyReport.From(m.MeasuredFailed),
            new SortedDictionary<string, long>(m.MeasuredErrors, StringComparer.Ordinal),
            new SortedDictionary<string, long>(m.WarmupErrors, StringComparer.Ordinal),
            new SortedDictionary<string, string>(m.ErrorSamples, StringComparer.Ordinal),
            new PoolReport(pool.Size, Math.Round(pool.GenerationTime.TotalSeconds, 2), pool.Taken, pool.Wrapped,
                pool.Wrapped
                    ? $"the pool ran out and wrapped around: {pool.Taken - pool.Size} requests re-sent an already used CSR (raise --pool or --expected-rate)"
                    : null),
            verify,
            new MachineReport(
                Environment.ProcessorCount,
                RuntimeInformation.OSDescription,
                times.LoadAverageAtMeasureStart,
                times.LoadAverageAtEnd,
                Math.Round(times.GeneratorCpuInWindow.TotalSeconds, 2),
                seconds > 0 ? Math.Round(times.GeneratorCpuInWindow.TotalSeconds / seconds, 2) : 0),
            ServerCpuReport.From(times.ServerCpuSeconds, seconds, succeeded),
            times.Timeline);

        var path = options.OutPath ?? DefaultOutPath(scenario.Name, times.StartedAt);
        ReportWriter.WriteJson(report, path);
        ReportWriter.WriteText(report, Console.Out, path);
        // Stopped by Ctrl+C: the partial report is written, and the exit code tells a calling script to stop as well.
        if (abort.IsCancellationRequested) return ExitInterrupted;
        return verify is { AllPresent: false } ? 2 : 0;
    }

    private static SocketsHttpHandler CreateHandler(HarnessOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Keep-alive connections, one per worker, kept for the whole run.
            MaxConnectionsPerServer = options.EffectiveConnections,
            PooledConnectionLifetime = TimeSpan.FromHours(1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        TlsSetup.Configure(handler.SslOptions, options);
        return handler;
    }

    private static int DefaultPoolSize(HarnessOptions o)
    {
        var rate = o.Shape == LoadShapeKind.Rate ? o.Rate * 1.02 : o.ExpectedRate;
        var needed = Math.Ceiling(rate * (o.WarmupSeconds + o.EffectiveDurationSeconds)) + o.MaxWorkers;
        return (int)Math.Clamp(needed, 100, 2_000_000);
    }

    private static string DefaultOutPath(string scenario, DateTimeOffset startedAt)
    {
        var name = $"{scenario}-{startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json";
        return Directory.Exists("load-tests") ? Path.Combine("load-tests", "results", name) : Path.Combine("results", name);
    }
}
