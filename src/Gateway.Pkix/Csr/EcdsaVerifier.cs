using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gateway.Pkix.Csr;

/// <summary>
/// ECDSA verification of a CSR's signature straight through OpenSSL's EC functions, for the NIST curves.
/// <para>
/// Why not the BCL: on Linux, importing a public key (<see cref="ECAlgorithm.ImportSubjectPublicKeyInfo"/>) costs more
/// than verifying with it. It builds a new EC group for every key and runs <c>EC_KEY_check_key</c>, whose
/// multiplication of the point by the group order proves nothing on a cofactor-1 curve. Measured on the 2-core machine
/// (P-256, 2,000 keys): import 141–147 µs, import + verify 246–264 µs; importing through <c>d2i_PUBKEY</c> into
/// <see cref="ECDsaOpenSsl"/> is no faster (142–160 µs). Here one group per curve is built once, and each thread keeps
/// one key of that group per curve (<see cref="ThreadKeys"/>; until issue 19's loop row 37 each signature got a new key
/// with a copy of the group), the point is decoded (<c>EC_POINT_oct2point</c>, which refuses a point off the curve) and
/// <c>ECDSA_verify</c> checks the DER signature: 81–82 µs for import and verification, what <c>openssl speed
/// ecdsap256</c> gives for the verification alone. The profile of an enrollment had key import at 21 % and verification
/// at 13 % of the gateway's CPU.
/// </para>
/// <para>
/// This is the one piece of hand-written interop in the gateway: the BCL offers no import without the check and no
/// shared group. It is used only where <c>libcrypto.so.3</c> loads and verifies a known signature at start; anywhere
/// else <see cref="TryVerify"/> answers null and the caller uses the BCL. Objects never cross between this and the
/// BCL's own OpenSSL handles.
/// </para>
/// </summary>
public static unsafe partial class EcdsaVerifier
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int NidP256 = 415; // NID_X9_62_prime256v1
    private const int NidP384 = 715; // NID_secp384r1
    private const int NidP521 = 716; // NID_secp521r1

    private static readonly IntPtr[] Groups = new IntPtr[3];
    private static readonly bool Available = Probe();

    /// <summary>Whether verification goes through OpenSSL directly (Linux with OpenSSL 3); false: <see cref="TryVerify"/> always answers null.</summary>
    public static bool DirectVerification => Available;

    /// <summary>
    /// Verifies <paramref name="derSignature"/> (an ECDSA-Sig-Value) over <paramref name="data"/> with the public key
    /// <paramref name="point"/> (the subjectPublicKey's content, an uncompressed point 0x04 || X || Y, as the CSR parser
    /// has already read and checked it) on <paramref name="curve"/> (<see cref="NamedCurves.P256"/>, P-384, P-521). Null when this verifier does not apply (another curve or hash, or no
    /// OpenSSL 3): the caller verifies with the BCL. False for a bad signature, a malformed one, or a point that is not on the curve.
    /// </summary>
    public static bool? TryVerify(string? curve, ReadOnlySpan<byte> point, HashAlgorithmName hash, ReadOnlySpan<byte> data,
        ReadOnlySpan<byte> derSignature)
    {
        if (!Available) return null;
        var index = curve switch
        {
            NamedCurves.P256 => 0,
            NamedCurves.P384 => 1,
            NamedCurves.P521 => 2,
            _ => -1,
        };
        if (index < 0 || Groups[index] == IntPtr.Zero) return null;
        Span<byte> digest = stackalloc byte[Sha2Digest.MaxLength];
        var digestLength = Sha2Digest.TryHashData(hash, data, digest);
        if (digestLength < 0) return null;
        if (point.Length < 3 || point[0] != 0x04) return false;
        return Verify(index, point, digest[..digestLength], derSignature);
    }

    private static bool Verify(int curve, ReadOnlySpan<byte> encodedPoint, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> derSignature)
    {
        if (!(_threadKeys ??= new ThreadKeys()).TryGet(curve, out var key, out var point)) return Failed();
        var keyGroup = EcKeyGet0Group(key);
        fixed (byte* p = encodedPoint)
        {
            if (EcPointOct2Point(keyGroup, point, p, encodedPoint.Length, IntPtr.Zero) != 1) return Failed();
        }
        if (EcPointIsAtInfinity(keyGroup, point) != 0 || EcPointIsOnCurve(keyGroup, point, IntPtr.Zero) != 1) return Failed();
        if (EcKeySetPublicKey(key, point) != 1) return Failed();
        fixed (byte* d = digest)
        fixed (byte* s = derSignature)
        {
            var result = EcdsaVerify(0, d, digest.Length, s, derSignature.Length, key);
            return result == 1 || Failed();
        }
    }

    /// <summary>This thread's keys and points (<see cref="ThreadKeys"/>).</summary>
    [ThreadStatic]
    private static ThreadKeys? _threadKeys;

    /// <summary>
    /// One <c>EC_KEY</c> (its curve's group set) and one <c>EC_POINT</c> per curve for one thread, reused by every
    /// verification on it: a new key per signature copied the curve's group (<c>EC_GROUP_dup</c>) and allocated and
    /// freed a key and two points each time. Each verification sets the point and the key's public key before it
    /// verifies, so nothing of an earlier request's key is used. Freed by the finalizer once the thread has ended.
    /// </summary>
    private sealed class ThreadKeys
    {
        private readonly IntPtr[] _keys = new IntPtr[3];
        private readonly IntPtr[] _points = new IntPtr[3];

        public bool TryGet(int curve, out IntPtr key, out IntPtr point)
        {
            if (_keys[curve] == IntPtr.Zero)
            {
                var newKey = EcKeyNew();
                if (newKey == IntPtr.Zero) return Missing(out key, out point);
                var newPoint = EcKeySetGroup(newKey, Groups[curve]) == 1 ? EcPointNew(EcKeyGet0Group(newKey)) : IntPtr.Zero;
                if (newPoint == IntPtr.Zero)
                {
                    EcKeyFree(newKey);
                    return Missing(out key, out point);
                }
                _keys[curve] = newKey;
                _points[curve] = newPoint;
            }
            key = _keys[curve];
            point = _points[curve];
            return true;
        }

        private static bool Missing(out IntPtr key, out IntPtr point)
        {
            key = point = IntPtr.Zero;
            return false;
        }

        ~ThreadKeys()
        {
            for (var i = 0; i < _keys.Length; i++)
            {
                if (_points[i] != IntPtr.Zero) EcPointFree(_points[i]);
                if (_keys[i] != IntPtr.Zero) EcKeyFree(_keys[i]);
            }
        }
    }

    /// <summary>Clears OpenSSL's error queue of this thread (so a later BCL call does not see our error) and answers false.</summary>
    private static bool Failed()
    {
        ErrClearError();
        return false;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            Groups[0] = EcGroupNewByCurveName(NidP256);
            Groups[1] = EcGroupNewByCurveName(NidP384);
            Groups[2] = EcGroupNewByCurveName(NidP521);
            if (Groups[0] == IntPtr.Zero) return false;
            // A known good and a known bad signature, so a broken binding shows now and not under load.
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var q = key.ExportParameters(false).Q;
            byte[] point = [0x04, .. q.X!, .. q.Y!];
            var data = "gateway"u8.ToArray();
            var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(data, digest);
            return Verify(0, point, digest, signature) && !Verify(0, point, digest, signature.AsSpan(0, signature.Length - 1));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    [LibraryImport(LibCrypto, EntryPoint = "EC_GROUP_new_by_curve_name")]
    private static partial IntPtr EcGroupNewByCurveName(int nid);

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_new")]
    private static partial IntPtr EcKeyNew();

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_set_group")]
    private static partial int EcKeySetGroup(IntPtr key, IntPtr group);

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_get0_group")]
    private static partial IntPtr EcKeyGet0Group(IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_set_public_key")]
    private static partial int EcKeySetPublicKey(IntPtr key, IntPtr point);

    [LibraryImport(LibCrypto, EntryPoint = "EC_KEY_free")]
    private static partial void EcKeyFree(IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "EC_POINT_new")]
    private static partial IntPtr EcPointNew(IntPtr group);

    [LibraryImport(LibCrypto, EntryPoint = "EC_POINT_free")]
    private static partial void EcPointFree(IntPtr point);

    [LibraryImport(LibCrypto, EntryPoint = "EC_POINT_oct2point")]
    private static partial int EcPointOct2Point(IntPtr group, IntPtr point, byte* buffer, nint length, IntPtr context);

    [LibraryImport(LibCrypto, EntryPoint = "EC_POINT_is_on_curve")]
    private static partial int EcPointIsOnCurve(IntPtr group, IntPtr point, IntPtr context);

    [LibraryImport(LibCrypto, EntryPoint = "EC_POINT_is_at_infinity")]
    private static partial int EcPointIsAtInfinity(IntPtr group, IntPtr point);

    [LibraryImport(LibCrypto, EntryPoint = "ECDSA_verify")]
    private static partial int EcdsaVerify(int type, byte* digest, int digestLength, byte* signature, int signatureLength, IntPtr key);

    [LibraryImport(LibCrypto, EntryPoint = "ERR_clear_error")]
    private static partial void ErrClearError();
}
