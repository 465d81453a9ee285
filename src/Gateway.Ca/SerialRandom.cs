using System.Security.Cryptography;

namespace Gateway.Ca;

/// <summary>
/// Random bytes for certificate serials, drawn from <see cref="RandomNumberGenerator"/> 4 KiB at a time per thread.
/// One call into OpenSSL's DRBG costs about as much as half an ECDSA signature (locking, fork check, parameter
/// plumbing), whatever the size asked for; a serial needs 10 (after its time prefix, TimeOrderedIds), so the hot path fetches them in bulk. Serials are
/// public, but used bytes are wiped from the buffer anyway so that nothing outlives its use.
/// </summary>
internal static class SerialRandom
{
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? _threadBuffer;

    [ThreadStatic]
    private static int _threadOffset;

    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BufferSize)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        byte[]? buffer = _threadBuffer;
        if (buffer is null || _threadOffset + destination.Length > buffer.Length)
        {
            buffer ??= _threadBuffer = new byte[BufferSize];
            RandomNumberGenerator.Fill(buffer);
            _threadOffset = 0;
        }

        Span<byte> source = buffer.AsSpan(_threadOffset, destination.Length);
        source.CopyTo(destination);
        source.Clear();
        _threadOffset += destination.Length;
    }
}
