namespace Gateway.Ca;

internal static class CaPaths
{
    public static string DataDirectory(CaOptions options) => Path.GetFullPath(options.DataDir);

    public static string CaDirectory(CaOptions options) =>
        string.IsNullOrWhiteSpace(options.Directory) ? Path.Combine(DataDirectory(options), "ca") : Path.GetFullPath(options.Directory);

    public static string TlsDirectory(CaOptions options) => Path.Combine(DataDirectory(options), "tls");
}
