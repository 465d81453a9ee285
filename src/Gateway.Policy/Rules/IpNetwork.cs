using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Policy.Rules;

/// <summary>A parsed CIDR block (or a single address, as /32 or /128).</summary>
internal sealed class IpNetwork
{
    private readonly byte[] _network;
    private readonly int _prefix;

    private IpNetwork(byte[] network, int prefix, string text)
    {
        _network = network;
        _prefix = prefix;
        Text = text;
    }

    public string Text { get; }

    public bool IsV4 => _network.Length == 4;

    public static IpNetwork? TryParse(string text, out string error)
    {
        error = string.Empty;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address))
        {
            error = $"'{text}' is not a CIDR block: '{addressText}' is not an IPv4 or IPv6 address";
            return null;
        }

        var bytes = address.GetAddressBytes();
        var maxPrefix = bytes.Length * 8;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = text.AsSpan(slash + 1);
            if (prefixText.Length is 0 or > 3 || prefixText.ContainsAnyExceptInRange('0', '9') ||
                !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix)
            {
                error = $"'{text}' is not a CIDR block: the prefix length must be 0 to {maxPrefix}";
                return null;
            }
        }

        for (var bit = prefix; bit < maxPrefix; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                var masked = (byte[])bytes.Clone();
                for (var b = prefix; b < maxPrefix; b++)
                {
                    masked[b / 8] &= (byte)~(0x80 >> (b % 8));
                }

                error = $"'{text}' is not a CIDR block: host bits are set (did you mean {new IPAddress(masked)}/{prefix}?)";
                return null;
            }
        }

        return new IpNetwork(bytes, prefix, text);
    }

    /// <summary>Strict address syntax: dotted-quad IPv4 (four decimal parts) or IPv6 without a zone.</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length == 0 || text.Contains('%'))
        {
            return false;
        }

        if (text.Contains(':'))
        {
            if (IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                return true;
            }

            return false;
        }

        var parts = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(c) && digits < 3)
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        if (parts != 3 || digits == 0 || !IPAddress.TryParse(text, out var v4))
        {
            return false;
        }

        address = v4;
        return true;
    }

    public bool Contains(ReadOnlySpan<byte> address)
    {
        if (address.Length != _network.Length)
        {
            return false;
        }

        var whole = _prefix / 8;
        if (!address[..whole].SequenceEqual(_network.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = _prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == _network[whole];
    }
}
