using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.LoadTests.Scenarios;

namespace Gateway.LoadTests.Csr;

/// <summary>
/// Request bodies, each with a fresh P-256 key and a CSR for a unique name, made before the clock starts on all
/// cores. <see cref="Next"/> hands them out in order; past the end it wraps around (the same CSR is sent again) and
/// <see cref="Wrapped"/> says so.
/// </summary>
internal sealed class CsrPool
{
    private readonly PreparedRequest[] _items;
    private long _next = -1;

    private CsrPool(PreparedRequest[] items, TimeSpan generationTime)
    {
        _items = items;
        GenerationTime = generationTime;
    }

    public int Size => _items.Length;

    public TimeSpan GenerationTime { get; }

    /// <summary>How many were taken, counting wrapped-around ones.</summary>
    public long Taken => Interlocked.Read(ref _next) + 1;

    public bool Wrapped => Taken > _items.Length;

    public PreparedRequest Next()
    {
        var n = Interlocked.Increment(ref _next);
        return _items[(int)(n % _items.Length)];
    }

    /// <exception cref="OperationCanceledException"><paramref name="abort"/> was cancelled (Ctrl+C) before the pool was complete.</exception>
    public static CsrPool Generate(int size, string nameSuffix, Scenario scenario, ScenarioContext context, Action<string>? progress, CancellationToken abort,
        string? commonName = null)
    {
        var items = new PreparedRequest[size];
        var done = 0;
        var watch = Stopwatch.StartNew();
        using var timer = progress is null
            ? null
            : new Timer(_ => progress($"generating keys and CSRs: {Volatile.Read(ref done)}/{size}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = abort }, i =>
        {
            items[i] = scenario.Prepare(Create(i, nameSuffix, commonName), context);
            Interlocked.Increment(ref done);
        });
        return new CsrPool(items, watch.Elapsed);
    }

    /// <summary>
    /// A fresh P-256 key and a SHA-256 signed PKCS#10 for <c>d&lt;index&gt;.&lt;suffix&gt;</c> (DNS SAN, and CN unless
    /// <paramref name="commonName"/> names another).
    /// </summary>
    public static GeneratedCsr Create(int index, string nameSuffix, string? commonName = null)
    {
        var name = "d" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + nameSuffix;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + (commonName ?? name)), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return new GeneratedCsr(index, name, request.CreateSigningRequest(), key.ExportSubjectPublicKeyInfo());
    }
}
