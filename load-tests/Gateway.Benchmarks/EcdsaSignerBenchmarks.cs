using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Gateway.Ca;

namespace Gateway.Benchmarks;

/// <summary>
/// Issue 19: the CA's P-256 signature over a TBSCertificate-sized input (640 bytes), through the BCL
/// (<see cref="ECDsa.SignData(byte[], HashAlgorithmName)"/>, a new OpenSSL EVP_PKEY_CTX per signature) and through
/// <see cref="EcdsaSigner"/>, which signs with its own OpenSSL EC_KEY (<c>ECDSA_sign</c>) where it can.
/// </summary>
[MemoryDiagnoser]
public class EcdsaSignerBenchmarks
{
    private ECDsa _key = null!;
    private EcdsaSigner _signer = null!;
    private readonly byte[] _tbs = RandomNumberGenerator.GetBytes(640);

    [GlobalSetup]
    public void Setup()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _signer = new EcdsaSigner(_key, ownsKey: false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _signer.Dispose();
        _key.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[] Bcl() => _key.SignData(_tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public byte[] Signer() => _signer.Sign(_tbs);

    [Benchmark]
    public byte[] HashOnly() => SHA256.HashData(_tbs);
}
