using System.Security.Cryptography;
using Gateway.Protocols.Common;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crmf;

namespace Gateway.Protocols.Cmp;

/// <summary>
/// Password-based MAC protection (RFC 9481 §6.1): PasswordBasedMac (RFC 4211 §4.4, computed by BouncyCastle's
/// <see cref="PKMacBuilder"/>) and PBMAC1 (RFC 8018 §7.1, PBKDF2 then HMAC; BouncyCastle has only its ASN.1, so the key
/// derivation is the BCL's <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>).
/// Iteration counts above the configured ceiling are refused before any hashing.
/// </summary>
internal static class CmpMac
{
    public static readonly DerObjectIdentifier PasswordBasedMac = CmpObjectIdentifiers.passwordBasedMac;
    public static readonly DerObjectIdentifier Pbmac1 = PkcsObjectIdentifiers.IdPbmac1;

    public static bool IsMac(AlgorithmIdentifier algorithm) =>
        algorithm.Algorithm.Equals(PasswordBasedMac) || algorithm.Algorithm.Equals(Pbmac1);

    /// <summary>The MAC of <paramref name="protectedPart"/> under <paramref name="algorithm"/> with <paramref name="password"/>; throws <see cref="CmpProblem"/> (badAlg) for parameters it will not compute.</summary>
    public static byte[] Compute(AlgorithmIdentifier algorithm, byte[] password, byte[] protectedPart, int maxIterations)
    {
        try
        {
            if (algorithm.Algorithm.Equals(PasswordBasedMac)) return Pbm(PbmParameter.GetInstance(algorithm.Parameters), password, protectedPart, maxIterations);
            if (algorithm.Algorithm.Equals(Pbmac1)) return Pbmac1Mac(Pbmac1Params.GetInstance(algorithm.Parameters), password, protectedPart, maxIterations);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or InvalidOperationException or FormatException
            or Org.BouncyCastle.Security.SecurityUtilityException or OverflowException or ArithmeticException)
        {
            throw new CmpProblem(CmpFailureInfo.BadAlg, "The MAC parameters cannot be used: " + ex.Message);
        }
        throw new CmpProblem(CmpFailureInfo.BadAlg, $"Protection algorithm {algorithm.Algorithm.Id} is not a supported MAC.");
    }

    /// <summary>Whether <paramref name="protection"/> is the MAC of <paramref name="protectedPart"/> (constant-time comparison).</summary>
    public static bool Verify(AlgorithmIdentifier algorithm, byte[] password, byte[] protectedPart, byte[] protection, int maxIterations) =>
        CryptographicOperations.FixedTimeEquals(Compute(algorithm, password, protectedPart, maxIterations), protection);

    /// <summary>The request's MAC algorithm with a fresh salt, for protecting the response with the same secret.</summary>
    public static AlgorithmIdentifier ForResponse(AlgorithmIdentifier request)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        if (request.Algorithm.Equals(PasswordBasedMac))
        {
            var p = PbmParameter.GetInstance(request.Parameters);
            return new AlgorithmIdentifier(PasswordBasedMac, new PbmParameter(salt, p.Owf, p.IterationCount.IntValueExact, p.Mac));
        }
        var pb = Pbmac1Params.GetInstance(request.Parameters);
        var kdf = Pbkdf2Params.GetInstance(pb.KeyDerivationFunc.Parameters);
        var fresh = new Pbkdf2Params(salt, kdf.IterationCount.IntValueExact, kdf.KeyLength.IntValueExact, kdf.Prf);
        return new AlgorithmIdentifier(Pbmac1, new Pbmac1Params(new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbkdf2, fresh), pb.MessageAuthScheme));
    }

    private static byte[] Pbm(PbmParameter parameters, byte[] password, byte[] data, int maxIterations)
    {
        var iterations = parameters.IterationCount.IntValueExact;
        if (iterations < 1 || iterations > maxIterations)
            throw new CmpProblem(CmpFailureInfo.BadAlg, $"A PasswordBasedMac iterationCount of {iterations} is outside 1..{maxIterations}.");
        if (parameters.Salt.GetOctets().Length > 256) throw new CmpProblem(CmpFailureInfo.BadAlg, "The PasswordBasedMac salt is longer than 256 bytes.");
        // PKMacBuilder takes the password as characters and hashes their UTF-8 form: credential secrets are ASCII.
        var builder = new PKMacBuilder(new DefaultPKMacPrimitivesProvider(), maxIterations).SetParameters(parameters);
        var factory = builder.Build(System.Text.Encoding.UTF8.GetString(password).ToCharArray());
        var calculator = factory.CreateCalculator();
        using (var stream = calculator.Stream) stream.Write(data, 0, data.Length);
        return calculator.GetResult().Collect();
    }

    private static byte[] Pbmac1Mac(Pbmac1Params parameters, byte[] password, byte[] data, int maxIterations)
    {
        if (!parameters.KeyDerivationFunc.Algorithm.Equals(PkcsObjectIdentifiers.IdPbkdf2))
            throw new CmpProblem(CmpFailureInfo.BadAlg, "PBMAC1 is supported with PBKDF2 only.");
        var kdf = Pbkdf2Params.GetInstance(parameters.KeyDerivationFunc.Parameters);
        var iterations = kdf.IterationCount.IntValueExact;
        if (iterations < 1 || iterations > maxIterations)
            throw new CmpProblem(CmpFailureInfo.BadAlg, $"A PBKDF2 iterationCount of {iterations} is outside 1..{maxIterations}.");
        var prf = Hash(kdf.Prf.Algorithm) ?? throw new CmpProblem(CmpFailureInfo.BadAlg, $"PBKDF2 PRF {kdf.Prf.Algorithm.Id} is not supported.");
        var mac = Hash(parameters.MessageAuthScheme.Algorithm) ?? throw new CmpProblem(CmpFailureInfo.BadAlg, $"PBMAC1 MAC {parameters.MessageAuthScheme.Algorithm.Id} is not supported.");
        // RFC 9481 §6.1.1: keyLength MUST be present.
        var keyLength = kdf.KeyLength?.IntValueExact ?? throw new CmpProblem(CmpFailureInfo.BadAlg, "PBMAC1's PBKDF2 parameters carry no keyLength.");
        if (keyLength is < 16 or > 128) throw new CmpProblem(CmpFailureInfo.BadAlg, $"A PBKDF2 keyLength of {keyLength} is outside 16..128.");
        var salt = kdf.GetSalt();
        if (salt.Length > 256) throw new CmpProblem(CmpFailureInfo.BadAlg, "The PBKDF2 salt is longer than 256 bytes.");
        var key = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, prf, keyLength);
        return mac.Name switch
        {
            "SHA1" => HMACSHA1.HashData(key, data),
            "SHA256" => HMACSHA256.HashData(key, data),
            "SHA384" => HMACSHA384.HashData(key, data),
            _ => HMACSHA512.HashData(key, data),
        };
    }

    /// <summary>The hash of an HMAC algorithm OID (hmacWithSHA1/256/384/512).</summary>
    private static HashAlgorithmName? Hash(DerObjectIdentifier oid) => oid.Id switch
    {
        "1.2.840.113549.2.7" or "1.3.6.1.5.5.8.1.2" => (HashAlgorithmName?)HashAlgorithmName.SHA1,
        "1.2.840.113549.2.9" => HashAlgorithmName.SHA256,
        "1.2.840.113549.2.10" => HashAlgorithmName.SHA384,
        "1.2.840.113549.2.11" => HashAlgorithmName.SHA512,
        _ => null,
    };
}
