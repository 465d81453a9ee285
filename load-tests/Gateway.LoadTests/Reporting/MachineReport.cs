namespace Gateway.LoadTests.Reporting;

/// <summary>
/// The machine the generator ran on and how busy it was: load average (1, 5, 15 min) when the measured window
/// began and at the end, and the generator's own CPU time in the window (it shares the cores with the server).
/// </summary>
internal sealed record MachineReport(
    int ProcessorCount, string Os, string? LoadAverageAtMeasureStart, string? LoadAverageAtEnd, double GeneratorCpuSeconds, double GeneratorCores);
