using System.Net;
using System.Net.Sockets;

namespace Gateway.Policy.Rules;

/// <summary>A list of CIDR blocks; an IPv4-mapped IPv6 address is matched as IPv4.</summary>
internal sealed class IpRangeSet(IReadOnlyList<IpNetwork> networks)
{
    public static IpRangeSet Empty { get; } = new([]);

    public int Count => networks.Count;

    /// <summary>Parses an address from a SAN value into <paramref name="buffer"/> (16 bytes); the written bytes, or empty when it is no address.</summary>
    public static ReadOnlySpan<byte> ParseAddress(string value, Span<byte> buffer)
    {
        if (!IPAddress.TryParse(value, out var address))
        {
            return [];
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.TryWriteBytes(buffer, out var written) ? buffer[..written] : [];
    }

    public string? Match(ReadOnlySpan<byte> address)
    {
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(address))
            {
                return networks[i].Text;
            }
        }

        return null;
    }
}
