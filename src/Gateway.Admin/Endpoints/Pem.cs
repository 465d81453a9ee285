using System.Security.Cryptography;

namespace Gateway.Admin.Endpoints;

internal static class Pem
{
    private const string Label = "CERTIFICATE";

    /// <summary>The last chain encoded: every enrollment under one issuing CA answers with the same chain.</summary>
    private static volatile EncodedChain? _lastChain;

    /// <summary>One certificate as PEM, ending in a newline (one string, no intermediate copies).</summary>
    public static string Certificate(byte[] der) =>
        string.Create(PemEncoding.GetEncodedSize(Label.Length, der.Length) + 1, der, static (span, d) =>
        {
            if (!PemEncoding.TryWrite(Label, d, span, out var written)) throw new InvalidOperationException("PEM size miscalculated.");
            span[written] = '\n';
        });

    /// <summary>Certificates as concatenated PEM blocks; the same chain as the last call's is answered from a cache.</summary>
    public static string Certificates(IReadOnlyList<byte[]> ders)
    {
        var last = _lastChain;
        if (last is not null && last.Matches(ders)) return last.Pem;
        var pem = string.Concat(ders.Select(Certificate));
        _lastChain = new EncodedChain([.. ders.Select(d => d.ToArray())], pem);
        return pem;
    }

    private sealed record EncodedChain(byte[][] Ders, string Pem)
    {
        public bool Matches(IReadOnlyList<byte[]> ders)
        {
            if (ders.Count != Ders.Length) return false;
            for (var i = 0; i < Ders.Length; i++)
            {
                if (!ders[i].AsSpan().SequenceEqual(Ders[i])) return false;
            }
            return true;
        }
    }
}
