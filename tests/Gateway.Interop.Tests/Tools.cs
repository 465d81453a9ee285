using System.Diagnostics;

namespace Gateway.Interop.Tests;

/// <summary>Runs the third-party clients (openssl, curl) as processes.</summary>
public static class Tools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static Result Run(string workingDirectory, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and requires exit code 0.</summary>
    public static string Ok(string workingDirectory, string file, params string[] args)
    {
        var r = Run(workingDirectory, file, args);
        Assert.True(r.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {r.ExitCode}:\n{r.Output}");
        return r.Stdout;
    }

    /// <summary>curl: returns the HTTP status and writes the body to <paramref name="bodyFile"/>.</summary>
    public static int Curl(string workingDirectory, string bodyFile, params string[] args)
    {
        var r = Run(workingDirectory, "curl", ["-sS", "-o", bodyFile, "-w", "%{http_code}", .. args]);
        Assert.True(r.ExitCode == 0, $"curl {string.Join(' ', args)} exited {r.ExitCode}:\n{r.Output}");
        return int.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
