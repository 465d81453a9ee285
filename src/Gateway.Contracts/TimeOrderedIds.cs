using System.Buffers.Binary;

namespace Gateway.Contracts;

/// <summary>
/// Identifiers the gateway makes itself that become keys of the store's b-tree indexes (certificate serials, the
/// transaction ids of enrollments that brought none): the first 6 bytes are the Unix time in milliseconds, big-endian,
/// and the rest is random. Keys made one after the other then land on the right-hand pages of each index, which stay in
/// memory, instead of on a random page of an index that grows past memory: fewer pages read, dirtied and written again
/// in full after every checkpoint. The random part keeps them unguessable and unique (a serial keeps 80 random bits,
/// above the 64 that the CA/Browser Forum's Baseline Requirements ask for, §7.1); the time part says no more than the
/// certificate's own notBefore or the enrollment's request time.
/// </summary>
public static class TimeOrderedIds
{
    /// <summary>Bytes of the time prefix: 48 bits of milliseconds last until the year 10889.</summary>
    public const int TimeBytes = 6;

    /// <summary>
    /// Writes the time prefix of <paramref name="now"/> (a time before 1970 as 1970) into the first
    /// <see cref="TimeBytes"/> bytes of <paramref name="destination"/>. Its first byte is 0x01 from 2004 to 2039.
    /// </summary>
    public static void WriteTimePrefix(Span<byte> destination, DateTimeOffset now)
    {
        if (destination.Length < TimeBytes) throw new ArgumentException($"At least {TimeBytes} bytes are needed.", nameof(destination));
        var milliseconds = Math.Max(0, now.ToUnixTimeMilliseconds());
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(buffer, milliseconds);
        buffer[(sizeof(long) - TimeBytes)..].CopyTo(destination);
    }

    /// <summary>
    /// Writes a new identifier into <paramref name="destination"/>: the time prefix of <paramref name="now"/>, then random
    /// bytes (<see cref="BulkRandom"/>) to its end.
    /// </summary>
    public static void WriteNew(Span<byte> destination, DateTimeOffset now)
    {
        WriteTimePrefix(destination, now);
        BulkRandom.Fill(destination[TimeBytes..]);
    }

    /// <summary>A new 128-bit identifier as 32 lowercase hex digits: the time prefix of <paramref name="now"/>, then 80 random bits.</summary>
    public static string NewHex(DateTimeOffset now)
    {
        Span<byte> id = stackalloc byte[16];
        WriteNew(id, now);
        return Convert.ToHexStringLower(id);
    }

    /// <summary>
    /// A new UUID of version 7 (RFC 9562, §5.7): 48 bits of Unix milliseconds of <paramref name="now"/>, then 74 random
    /// bits around the version and variant fields. The store's event ids: unique, and in the order they were made.
    /// </summary>
    public static Guid NewGuid(DateTimeOffset now)
    {
        Span<byte> id = stackalloc byte[16];
        WriteNew(id, now);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true);
    }
}
