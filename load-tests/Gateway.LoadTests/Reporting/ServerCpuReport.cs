namespace Gateway.LoadTests.Reporting;

/// <summary>
/// CPU used in the measured window by the server processes named with <c>--server-pid</c> (and their descendants),
/// per command name: seconds, cores busy on average, and milliseconds of CPU per successful request.
/// </summary>
internal sealed record ServerCpuReport(string Process, double CpuSeconds, double Cores, double MsPerOkRequest)
{
    public static List<ServerCpuReport> From(IReadOnlyDictionary<string, double> seconds, double windowSeconds, long succeeded) =>
        [.. seconds.OrderByDescending(s => s.Value).Select(s => new ServerCpuReport(
            s.Key,
            Math.Round(s.Value, 2),
            windowSeconds > 0 ? Math.Round(s.Value / windowSeconds, 2) : 0,
            succeeded > 0 ? Math.Round(s.Value * 1000 / succeeded, 3) : 0))];
}
