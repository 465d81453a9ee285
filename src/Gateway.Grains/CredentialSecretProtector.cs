using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains;

/// <summary>
/// Encrypts credentials' raw secrets at rest with AES-256-GCM under <c>Gateway:Credentials:EncryptionKey</c>, or in dev
/// mode under a key generated into <c>&lt;DataDir&gt;/credential-key</c> (mode 0600, with a warning). The credential id
/// is bound in as associated data, so a ciphertext cannot be moved to another credential. The key is never logged.
/// </summary>
public sealed class CredentialSecretProtector : Gateway.Contracts.IClusterKeyDerivation
{
    public const string DevKeyFileName = "credential-key";
    private const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private readonly byte[] _key;

    public CredentialSecretProtector(IOptions<CredentialOptions> options, IConfiguration configuration, ILogger<CredentialSecretProtector> logger)
    {
        var configured = options.Value.EncryptionKey;
        if (!string.IsNullOrEmpty(configured))
        {
            if (!TryDecodeKey(configured, out var key, out var problem))
            {
                throw new OptionsValidationException(CredentialOptions.EncryptionKeyOption, typeof(CredentialOptions),
                    [$"{CredentialOptions.EncryptionKeyOption} {problem}"]);
            }
            _key = key;
        }
        else
        {
            var dataDir = configuration["Gateway:DataDir"] is { Length: > 0 } d ? d : "./data";
            var path = Path.GetFullPath(Path.Combine(dataDir, DevKeyFileName));
            var created = LoadOrCreateDevKey(path, out _key);
            logger.LogWarning(
                "Credential secrets are encrypted with a generated DEV key kept in {KeyFile} ({State}): {Option} is not set. " +
                "Set {Option} (base64 of 32 random bytes, the same on every silo) for production; losing the key leaves CMP MAC and ACME EAB credentials unusable.",
                path, created ? "just created" : "existing", CredentialOptions.EncryptionKeyOption, CredentialOptions.EncryptionKeyOption);
        }
        KeyId = Convert.ToHexStringLower(SHA256.HashData([.. "gateway-credential-key-id:"u8, .. _key])[..8]);
    }

    /// <summary>A fingerprint of the key (not the key), stored with each ciphertext to tell which key it needs.</summary>
    public string KeyId { get; }

    /// <summary>version ‖ nonce ‖ ciphertext ‖ tag.</summary>
    public byte[] Protect(string credentialId, string secret)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var output = new byte[1 + NonceLength + plaintext.Length + TagLength];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceLength, plaintext.Length), output.AsSpan(1 + NonceLength + plaintext.Length), AssociatedData(credentialId));
        CryptographicOperations.ZeroMemory(plaintext);
        return output;
    }

    /// <summary>The secret, or null (with <paramref name="problem"/>) when it was encrypted under another key or the ciphertext is damaged.</summary>
    public string? Unprotect(string credentialId, string keyId, byte[] protectedSecret, out string problem)
    {
        problem = "";
        if (!string.Equals(keyId, KeyId, StringComparison.Ordinal))
        {
            problem = $"it was encrypted under credential key {keyId}, but the configured key is {KeyId} ({CredentialOptions.EncryptionKeyOption})";
            return null;
        }
        if (protectedSecret.Length < 1 + NonceLength + TagLength || protectedSecret[0] != FormatVersion)
        {
            problem = "its ciphertext is malformed";
            return null;
        }
        var length = protectedSecret.Length - 1 - NonceLength - TagLength;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(protectedSecret.AsSpan(1, NonceLength), protectedSecret.AsSpan(1 + NonceLength, length),
                protectedSecret.AsSpan(1 + NonceLength + length), plaintext, AssociatedData(credentialId));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            problem = "its ciphertext does not authenticate (damaged, or moved from another credential)";
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decodes a configured key: base64 (standard or URL-safe alphabet) of exactly 32 bytes. The problem never quotes the value.</summary>
    internal static bool TryDecodeKey(string text, out byte[] key, out string problem)
    {
        key = [];
        problem = "";
        var trimmed = text.Trim().Replace('-', '+').Replace('_', '/');
        if (trimmed.Length % 4 != 0) trimmed = trimmed.PadRight(trimmed.Length + (4 - trimmed.Length % 4) % 4, '=');
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(trimmed);
        }
        catch (FormatException)
        {
            problem = "is not base64: set it to 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`.";
            return false;
        }
        if (decoded.Length != 32)
        {
            problem = $"must decode to exactly 32 bytes (an AES-256 key), but decodes to {decoded.Length}: use e.g. `openssl rand -base64 32`.";
            CryptographicOperations.ZeroMemory(decoded);
            return false;
        }
        key = decoded;
        return true;
    }

    private static byte[] AssociatedData(string credentialId) => Encoding.UTF8.GetBytes("gateway/credential/v1/" + credentialId);

    /// <summary>Reads the dev key file, or creates it (0600) with a new random key; true when created.</summary>
    private static bool LoadOrCreateDevKey(string path, out byte[] key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var created = false;
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(path, options);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh) + "\n"));
                stream.Flush(flushToDisk: true);
                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another silo sharing the data directory created it first: use theirs.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(fresh);
            }
        }
        var text = File.ReadAllText(path);
        // A silo that lost the creation race may read the file before the winner has written it.
        for (var i = 0; i < 50 && !created && string.IsNullOrWhiteSpace(text); i++)
        {
            Thread.Sleep(100);
            text = File.ReadAllText(path);
        }
        if (!TryDecodeKey(text, out key, out var problem))
        {
            throw new InvalidOperationException(
                $"The credential key file '{path}' (used because {CredentialOptions.EncryptionKeyOption} is not set) {problem} " +
                "Restore the file, or set the option to the key the stored credentials were created with.");
        }
        return created;
    }

    /// <summary>A key for <paramref name="purpose"/> derived from the credential key (HKDF-SHA256): the same on every node.</summary>
    public byte[] DeriveKey(string purpose) =>
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, _key, 32,
            System.Text.Encoding.UTF8.GetBytes("gateway-cluster-key"), System.Text.Encoding.UTF8.GetBytes(purpose));
}
