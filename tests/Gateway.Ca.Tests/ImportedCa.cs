using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca.Tests;

/// <summary>An externally made CA hierarchy (root → optional intermediate → issuing) built with CertificateRequest, for import tests.</summary>
internal sealed class ImportedCa : IDisposable
{
    private ImportedCa(X509Certificate2 root, X509Certificate2? intermediate, X509Certificate2 issuing, AsymmetricAlgorithm issuingKey)
    {
        Root = root;
        Intermediate = intermediate;
        Issuing = issuing;
        IssuingKey = issuingKey;
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2? Intermediate { get; }

    public X509Certificate2 Issuing { get; }

    public AsymmetricAlgorithm IssuingKey { get; }

    public static ImportedCa Create(bool rsaIssuing = false, bool withIntermediate = false, bool issuingIsCa = true)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest("CN=Imported Root,O=Elsewhere", rootKey, HashAlgorithmName.SHA384);
        AddCaExtensions(rootRequest, pathLength: null, issuer: null);
        X509Certificate2 root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10)); // has the key

        X509Certificate2 parent = root;
        X509Certificate2? intermediate = null;
        ECDsa? intermediateKey = null;
        if (withIntermediate)
        {
            intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=Imported Intermediate,O=Elsewhere", intermediateKey, HashAlgorithmName.SHA256);
            AddCaExtensions(request, pathLength: 1, issuer: root);
            using X509Certificate2 signed = request.Create(root, now.AddHours(-2), now.AddYears(8), [0x01, 0x02]);
            intermediate = signed.CopyWithPrivateKey(intermediateKey);
            parent = intermediate;
        }

        AsymmetricAlgorithm issuingKey = rsaIssuing ? RSA.Create(3072) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest issuingRequest = issuingKey is RSA rsa
            ? new CertificateRequest("CN=Imported Issuing,O=Elsewhere", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=Imported Issuing,O=Elsewhere", (ECDsa)issuingKey, HashAlgorithmName.SHA256);
        if (issuingIsCa)
        {
            AddCaExtensions(issuingRequest, pathLength: 0, issuer: withIntermediate ? intermediate : root);
        }

        // The generator overload: the issuing key may be RSA under an ECDSA parent.
        ECDsa parentKey = intermediateKey ?? rootKey;
        X509Certificate2 issuing = issuingRequest.Create(
            parent.SubjectName, X509SignatureGenerator.CreateForECDsa(parentKey), now.AddHours(-1), now.AddYears(5), [0x03, 0x04]);
        intermediateKey?.Dispose();
        return new ImportedCa(X509CertificateLoader.LoadCertificate(root.RawData),
            intermediate is null ? null : X509CertificateLoader.LoadCertificate(intermediate.RawData), issuing, issuingKey);
    }

    public string WriteRootPem(TempDirectory dir) => Write(dir, "import-root.pem", Pem(Root));

    public string WriteIssuingPem(TempDirectory dir) =>
        Write(dir, "import-issuing.pem", Pem(Issuing) + (Intermediate is null ? string.Empty : Pem(Intermediate)));

    public string WriteKeyPem(TempDirectory dir, string? password = null) => Write(
        dir,
        "import-issuing.key",
        password is null
            ? IssuingKey.ExportPkcs8PrivateKeyPem()
            : IssuingKey.ExportEncryptedPkcs8PrivateKeyPem(password.AsSpan(), new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

    public string WritePkcs12(TempDirectory dir, string password, bool includeRoot = true)
    {
        using X509Certificate2 withKey = IssuingKey is RSA rsa ? Issuing.CopyWithPrivateKey(rsa) : Issuing.CopyWithPrivateKey((ECDsa)IssuingKey);
        var collection = new X509Certificate2Collection(withKey);
        if (Intermediate is not null)
        {
            collection.Add(Intermediate);
        }

        if (includeRoot)
        {
            collection.Add(Root);
        }

        string path = Path.Combine(dir.Path, "import.p12");
        File.WriteAllBytes(path, collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        return path;
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate?.Dispose();
        Issuing.Dispose();
        IssuingKey.Dispose();
    }

    private static void AddCaExtensions(CertificateRequest request, int? pathLength, X509Certificate2? issuer)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength.HasValue, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        }
    }

    private static string Pem(X509Certificate2 certificate) => PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n";

    private static string Write(TempDirectory dir, string name, string content)
    {
        string path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }
}
