using System.Globalization;

namespace Gateway.Hosting.Postgres;

/// <summary>
/// The lines of <c>postmaster.pid</c> we rely on: 1 PID, 2 data directory, 4 port, 5 socket directory,
/// 6 listen address, 8 status (<c>starting</c>, <c>stopping</c>, <c>ready</c>, <c>standby</c>).
/// </summary>
internal sealed record PostmasterPidFile(int Pid, string DataDirectory, int Port, string Status)
{
    public const string FileName = "postmaster.pid";

    public bool IsReady => Status is "ready";

    /// <summary>Null when the file is missing or not (yet) complete: the server writes it in steps while starting.</summary>
    public static PostmasterPidFile? TryRead(string dataDirectory)
    {
        string[] lines;
        try
        {
            using var stream = new FileStream(
                Path.Combine(dataDirectory, FileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 1 || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return null;
        }

        var port = lines.Length > 3 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var status = lines.Length > 7 ? lines[7].Trim() : "";
        return new PostmasterPidFile(pid, lines.Length > 1 ? lines[1].Trim() : "", port, status);
    }
}
