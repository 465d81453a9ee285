namespace Gateway.LoadTests.Running;

/// <summary>A server process named with <c>--server-pid [LABEL=]PID</c>; the label keeps several nodes apart in the report.</summary>
internal sealed record ServerProcess(int Pid, string? Label);
