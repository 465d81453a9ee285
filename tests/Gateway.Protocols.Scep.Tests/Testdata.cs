namespace Gateway.Protocols.Scep.Tests;

internal static class Testdata
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));
}
