namespace Gateway.Hosting.Postgres;

/// <summary>Exit code and captured output of one PostgreSQL tool run.</summary>
internal sealed record PgProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Output => (StandardError.Trim() + Environment.NewLine + StandardOutput.Trim()).Trim();
}
