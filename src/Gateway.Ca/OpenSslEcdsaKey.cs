using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Gateway.Pkix;

namespace Gateway.Ca;

/// <summary>
/// The CA's ECDSA signing key as an OpenSSL <c>EC_KEY</c> of its own, signed with through <c>ECDSA_sign</c>.
/// <para>
/// Why not the BCL: on Linux <see cref="ECDsa.SignData(byte[], HashAlgorithmName)"/> makes a new <c>EVP_PKEY_CTX</c>
/// for every signature, and OpenSSL 3.0 fetches the signature algorithm from its provider store for each (hash-table
/// walks, locks, allocations). In the profile of an admin enrollment the CA's signature cost 8.5 % of the gateway's CPU
/// (about 43 µs), of which the elliptic-curve arithmetic was 1.6 %; <c>openssl speed ecdsap256</c> signs in 18 µs on the
/// same machine. <c>ECDSA_sign</c> on a key held for the signer's lifetime skips the per-call setup: see
/// <c>EcdsaSignerBenchmarks</c> in load-tests/Gateway.Benchmarks.
/// </para>
/// <para>
/// The key comes from the BCL key's RFC 5915 export into a stack buffer (never a managed array the GC could copy), read
/// by <c>d2i_ECPrivateKey</c>, and the buffer is zeroed; <c>EC_KEY_free</c> clears the private scalar. Objects never
/// cross between this and the BCL's own OpenSSL handles. OpenSSL's nonce is its default: random bytes hashed with the
/// private key and the digest (<c>BN_generate_dsa_nonce</c>), so a weak random source alone cannot leak the key. A key
/// that cannot be exported, a platform without <c>libcrypto.so.3</c>, or a signature the BCL does not verify at creation
/// gives null, and the signer stays on the BCL. Signing reads the key only: concurrent signatures are safe.
/// </para>
/// </summary>
internal sealed unsafe partial class OpenSslEcdsaKey : SafeHandle
{
    private const string LibCrypto = "libcrypto.so.3";

    private readonly int _maxSignatureLength;

    private OpenSslEcdsaKey(IntPtr key, int maxSignatureLength) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(key);
        _maxSignatureLength = maxSignatureLength;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>
    /// An OpenSSL copy of <paramref name="key"/>'s private key, checked by signing <paramref name="hash"/>'s digest of a
    /// probe message and verifying it with <paramref name="key"/>; null when it cannot be made or does not verify.
    /// </summary>
    public static OpenSslEcdsaKey? TryCreate(ECDsa key, HashAlgorithmName hash)
    {
        if (!OperatingSystem.IsLinux()) return null;
        OpenSslEcdsaKey? created = null;
        try
        {
            Span<byte> der = stackalloc byte[512];
            try
            {
                if (!key.TryExportECPrivateKey(der, out var length)) return null;
                IntPtr ecKey;
                fixed (byte* p = der)
                {
                    var cursor = p;
                    ecKey = D2iEcPrivateKey(IntPtr.Zero, &cursor, length);
                }
                if (ecKey == IntPtr.Zero)
                {
                    ErrClearError();
                    return null;
                }
                created = new OpenSslEcdsaKey(ecKey, EcdsaSize(ecKey));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(der);
            }
            if (created._maxSignatureLength <= 0) return Discard(created);

            // A signature the BCL verifies, and a tampered one it refuses: a broken binding shows now, not in a certificate.
            var probe = "gateway ca signer probe"u8;
            var signature = created.SignData(probe, hash);
            if (signature is null || !key.VerifyData(probe, signature, hash, DSASignatureFormat.Rfc3279DerSequence)) return Discard(created);
            signature[^1] ^= 0x01;
            if (key.VerifyData(probe, signature, hash, DSASignatureFormat.Rfc3279DerSequence)) return Discard(created);
            return created;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return created is null ? null : Discard(created);
        }
    }

    private static OpenSslEcdsaKey? Discard(OpenSslEcdsaKey key)
    {
        key.Dispose();
        return null;
    }

    /// <summary>The DER ECDSA-Sig-Value over <paramref name="hash"/>'s digest of <paramref name="data"/>; null if OpenSSL failed.</summary>
    public byte[]? SignData(ReadOnlySpan<byte> data, HashAlgorithmName hash)
    {
        Span<byte> digest = stackalloc byte[Sha2Digest.MaxLength];
        var digestLength = Sha2Digest.TryHashData(hash, data, digest);
        if (digestLength < 0) return null;

        Span<byte> signature = stackalloc byte[_maxSignatureLength];
        uint signatureLength = 0;
        var added = false;
        try
        {
            DangerousAddRef(ref added);
            int result;
            fixed (byte* d = digest)
            fixed (byte* s = signature)
            {
                result = EcdsaSign(0, d, digestLength, s, &signatureLength, handle);
            }
            if (result != 1)
            {
                ErrClearError();
                return null;
            }
        }
        finally
        {
            if (added) DangerousRelease();
        }
        return signature[..(int)signatureLength].ToArray();
    }

    protected override bool ReleaseHandle()
    {
        EcKeyFree(handle);
        return true;
    }

    [LibraryImport(LibCrypto, EntryPoint = "d2i_ECPrivateKey")]
    private static partial IntPtr D2iEcPrivateKey(IntPtr existing, byte** input, nint length);

    [LibraryImport(LibCrypto, EntryPoint = "ECDSA_size")]
    private static partial int EcdsaSize(IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "ECDSA_sign")]
    private static partial int EcdsaSign(int type, byte* digest, int digestLength, byte* signature, uint* signatureLength, IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_free")]
    private static partial void EcKeyFree(IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "ERR_clear_error")]
    private static partial void ErrClearError();
}
