using System.Security.Cryptography;
using System.Text;

namespace Gateway.Admin.Endpoints;

internal static class Pem
{
    public static string Certificate(byte[] der) => new string(PemEncoding.Write("CERTIFICATE", der)) + "\n";

    public static string Certificates(IEnumerable<byte[]> ders)
    {
        var sb = new StringBuilder();
        foreach (var der in ders) sb.Append(Certificate(der));
        return sb.ToString();
    }
}
