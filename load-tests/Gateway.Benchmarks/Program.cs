using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Gateway.Benchmarks;

/// <summary>
/// From the repository root: <c>dotnet run -c Release --project load-tests/Gateway.Benchmarks -- --filter '*' --inProcess</c>
/// (<c>--job short</c> for a quick look; <c>--inProcess</c> skips BenchmarkDotNet's own rebuild, which a busy 2-core machine
/// may not finish within its 2-minute limit). Reports go to load-tests/results/benchmarks/ (gitignored).
/// </summary>
internal static class Program
{
    /// <summary>
    /// BenchmarkDotNet's default (2 minutes) for building its out-of-process boilerplate is too short on a busy 2-core
    /// machine: the only committed run failed on it ("The configured timeout 00:02:00 was reached!"), with no result.
    /// </summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public static void Main(string[] args)
    {
        var artifacts = Directory.Exists("load-tests") ? Path.Combine("load-tests", "results", "benchmarks") : Path.Combine("results", "benchmarks");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.WithArtifactsPath(Path.GetFullPath(artifacts)).WithBuildTimeout(BuildTimeout));
    }
}
