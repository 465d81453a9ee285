namespace Gateway.Pkix;

/// <summary>The one text form of a certificate serial: lowercase hex of its big-endian bytes without leading zero bytes.</summary>
public static class SerialNumbers
{
    /// <summary><paramref name="serial"/> (DER INTEGER content, e.g. <c>X509Certificate2.SerialNumberBytes</c>) as the inventory keys it.</summary>
    public static string Canonical(ReadOnlySpan<byte> serial)
    {
        var trimmed = serial.TrimStart((byte)0);
        return trimmed.IsEmpty ? "0" : Convert.ToHexStringLower(trimmed);
    }
}
