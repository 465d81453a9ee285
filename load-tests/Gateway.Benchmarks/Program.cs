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
    public static void Main(string[] args)
    {
        var artifacts = Directory.Exists("load-tests") ? Path.Combine("load-tests", "results", "benchmarks") : Path.Combine("results", "benchmarks");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.WithArtifactsPath(Path.GetFullPath(artifacts)));
    }
}
