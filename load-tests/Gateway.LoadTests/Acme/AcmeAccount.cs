using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.LoadTests.Acme;

/// <summary>
/// One ACME account of the load generator: an ES256 (P-256) key, its JWK and RFC 7638 thumbprint, the account URL
/// (<see cref="KidPath"/>, relative to the target, since the gateway names URLs after the Host it was asked on) and a
/// pool of unused nonces (every answer's <c>Replay-Nonce</c> goes back in). Signs flattened JWS (RFC 7515 §7.2.2)
/// with the BCL only: base64url without padding, the signature in IEEE P1363 form (r‖s, 64 bytes).
/// </summary>
internal sealed class AcmeAccount : IDisposable
{
    private readonly ECDsa _key;
    private readonly string _jwk;

    public AcmeAccount()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        // RFC 7638 §3.2: the required members in lexicographic order, no whitespace. It is also the header's jwk.
        _jwk = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(q.X)}\",\"y\":\"{Base64Url.EncodeToString(q.Y)}\"}}";
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(_jwk)));
    }

    /// <summary>base64url(SHA-256 of the canonical JWK): the suffix of every key authorization (RFC 8555 §8.1).</summary>
    public string Thumbprint { get; }

    /// <summary>The account URL's path (e.g. <c>acme/web-server/acct/abc</c>), set once newAccount answered.</summary>
    public string? KidPath { get; set; }

    public ConcurrentQueue<string> Nonces { get; } = new();

    /// <summary>
    /// The JWS body for <paramref name="url"/>: signed with <c>jwk</c> when <paramref name="kid"/> is null (newAccount),
    /// else with <c>kid</c>. <paramref name="payload"/> is the payload already base64url-encoded; "" is POST-as-GET.
    /// </summary>
    public byte[] Sign(string url, string nonce, string? kid, string payload)
    {
        var header = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("alg", "ES256");
            if (kid is null)
            {
                json.WritePropertyName("jwk");
                json.WriteRawValue(_jwk, skipInputValidation: true);
            }
            else
            {
                json.WriteString("kid", kid);
            }
            json.WriteString("nonce", nonce);
            json.WriteString("url", url);
            json.WriteEndObject();
        }
        var protectedPart = Base64Url.EncodeToString(header.WrittenSpan);
        var signingInput = Encoding.ASCII.GetBytes(protectedPart + "." + payload);
        var signature = _key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Encoding.ASCII.GetBytes(
            $"{{\"protected\":\"{protectedPart}\",\"payload\":\"{payload}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}");
    }

    /// <summary>base64url of a JSON payload.</summary>
    public static string Payload(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public void Dispose() => _key.Dispose();
}
