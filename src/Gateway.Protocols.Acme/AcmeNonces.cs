using System.Buffers.Binary;
using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Protocols.Acme.Jws;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme;

/// <summary>
/// ACME anti-replay nonces (RFC 8555 §6.5). A nonce is base64url of version (1 byte), issue time (8 bytes, Unix
/// seconds), 16 random bytes and an HMAC-SHA256 tag (16 bytes) under a key every node derives alike
/// (<see cref="IClusterKeyDerivation"/>): any node can tell one of ours from a forgery without storing it. Issuing costs
/// no write; accepting a nonce spends it once cluster-wide in an in-memory shard grain (through the port) until it
/// expires. Forged, expired and malformed nonces are refused before any grain is asked.
/// </summary>
public sealed class AcmeNonces
{
    private const byte Version = 1;
    private const int TagLength = 16;
    private const int Length = 1 + 8 + 16 + TagLength;
    private readonly byte[] _key;
    private readonly Func<string, DateTimeOffset, Task<bool>> _consume;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public AcmeNonces(IEnrollmentPort port, IClusterKeyDerivation keys, IOptions<AcmeOptions> options, TimeProvider time)
        : this(keys.DeriveKey("acme-nonce"), port.ConsumeAcmeNonceAsync, options.Value.NonceLifetime, time)
    {
    }

    internal AcmeNonces(byte[] key, Func<string, DateTimeOffset, Task<bool>> consume, TimeSpan lifetime, TimeProvider time)
    {
        _key = key;
        _consume = consume;
        _lifetime = lifetime;
        _time = time;
    }

    /// <summary>A fresh nonce for a <c>Replay-Nonce</c> header.</summary>
    public string Issue()
    {
        Span<byte> nonce = stackalloc byte[Length];
        nonce[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(nonce[1..], _time.GetUtcNow().ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(nonce.Slice(9, 16));
        HMACSHA256.HashData(_key, nonce[..25])[..TagLength].CopyTo(nonce[25..]);
        return System.Buffers.Text.Base64Url.EncodeToString(nonce);
    }

    /// <summary>True when <paramref name="nonce"/> is one of ours, unexpired and used now for the first time anywhere in the cluster.</summary>
    public async Task<bool> TryConsumeAsync(string? nonce)
    {
        if (nonce is null || nonce.Length > 64 || !JwsBase64.TryDecode(nonce, out var bytes) || bytes.Length != Length || bytes[0] != Version) return false;
        var tag = HMACSHA256.HashData(_key, bytes.AsSpan(0, 25))[..TagLength];
        if (!CryptographicOperations.FixedTimeEquals(tag, bytes.AsSpan(25))) return false;
        var issued = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)));
        var now = _time.GetUtcNow();
        var expires = issued + _lifetime;
        if (expires <= now || issued > now + TimeSpan.FromMinutes(1)) return false;
        return await _consume(nonce, expires);
    }
}
