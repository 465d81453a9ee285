using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca;

/// <summary>
/// Generates, stores, loads and imports CA material (cold path, once at start).
/// Layout of <c>&lt;DataDir&gt;/ca/</c>: <c>root.crt</c>, <c>issuing.crt</c> (PEM), <c>root.key</c>, <c>issuing.key</c>
/// (encrypted PKCS#8 PEM), <c>passphrase</c> (dev mode only); all 0600 in a 0700 directory.
/// </summary>
internal static class CaMaterialStore
{
    public const string RootCertificateFile = "root.crt";
    public const string RootKeyFile = "root.key";
    public const string IssuingCertificateFile = "issuing.crt";
    public const string IssuingKeyFile = "issuing.key";

    /// <summary>PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256 with OWASP's 2023 iteration count.</summary>
    internal static readonly PbeParameters KeyEncryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 600_000);

    private const string ImportPrefix = CaOptions.SectionName + ":Import:";
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>The file naming the current generation of the issuing CA (absent: the first, <c>issuing.crt</c>).</summary>
    public const string CurrentGenerationFile = "issuing.current";

    /// <summary>What <see cref="Load"/> found: every generation still worth serving, the one that signs, the root.</summary>
    internal sealed record LoadedCa(IReadOnlyList<IssuingCa> Issuers, IssuingCa Current, byte[] RootDer, bool Managed);

    /// <summary>The id of a generation: the logical id for the first, <c>&lt;id&gt;-g&lt;n&gt;</c> after it.</summary>
    public static string GenerationId(string issuerId, int generation) => generation == 1 ? issuerId : $"{issuerId}-g{generation}";

    private static string GenerationCertificate(string directory, int generation) =>
        Path.Combine(directory, generation == 1 ? IssuingCertificateFile : $"issuing-g{generation}.crt");

    private static string GenerationKey(string directory, int generation) =>
        Path.Combine(directory, generation == 1 ? IssuingKeyFile : $"issuing-g{generation}.key");

    public static LoadedCa Load(CaOptions options, string issuerId, ILogger logger, TimeProvider time)
    {
        if (options.Import.IsConfigured)
        {
            var (imported, importedRoot) = options.Import.UsesPkcs12
                ? ImportPkcs12(options.Import, issuerId, logger, time)
                : ImportPem(options.Import, issuerId, logger, time);
            return new LoadedCa([imported], imported, importedRoot, Managed: false);
        }

        string directory = CaPaths.CaDirectory(options);
        SecureFile.CreateDirectory(directory);
        using FileStream _ = SecureFile.AcquireLock(Path.Combine(directory, ".lock"));
        string passphrase = CaPassphrase.Resolve(options, logger);
        int current = ReadCurrentGeneration(directory);
        if (current == 1)
        {
            var (issuer, rootDer) = LoadOrGenerate(options, directory, passphrase, issuerId, logger, time);
            return new LoadedCa([issuer], issuer, rootDer, Managed: true);
        }

        // Rolled over: the current generation signs; earlier ones whose certificate is still valid keep signing CRLs and OCSP answers.
        DateTimeOffset now = time.GetUtcNow();
        using (X509Certificate2 currentCertificate = LoadCertificates(GenerationCertificate(directory, current), CaOptions.DataDirKey)[0])
        {
            if (now >= currentCertificate.NotAfter.ToUniversalTime())
            {
                logger.LogWarning("The current issuing CA generation {Generation} expired on {NotAfter:u}: rolling over now.", current,
                    currentCertificate.NotAfter.ToUniversalTime());
                current = CreateNextGeneration(options, directory, passphrase, current, now, logger);
            }
        }
        var issuers = new List<IssuingCa>();
        byte[]? root = null;
        for (int generation = 1; generation <= current; generation++)
        {
            var loaded = LoadGeneration(options, directory, passphrase, issuerId, generation, time, skipExpired: generation != current);
            if (loaded is null) continue;
            issuers.Add(loaded.Value.Issuer);
            root = loaded.Value.RootDer;
        }
        return new LoadedCa(issuers, issuers[^1], root!, Managed: true);
    }

    /// <summary>The current generation named in the CA directory (1 when no rollover happened).</summary>
    internal static int ReadCurrentGeneration(string directory)
    {
        string path = Path.Combine(directory, CurrentGenerationFile);
        if (!File.Exists(path)) return 1;
        string text = File.ReadAllText(path).Trim();
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int generation) && generation >= 1
            ? generation
            : throw new CaConfigurationException(CaOptions.DataDirKey, $"'{path}' must hold the current issuing CA generation (a positive number), not '{text}'.");
    }

    /// <summary>Loads generation <paramref name="generation"/> from the CA directory; null when <paramref name="skipExpired"/> and it has expired.</summary>
    internal static (IssuingCa Issuer, byte[] RootDer)? LoadGeneration(
        CaOptions options, string directory, string passphrase, string issuerId, int generation, TimeProvider time, bool skipExpired)
    {
        string crt = GenerationCertificate(directory, generation);
        if (!File.Exists(crt))
        {
            if (skipExpired) return null; // an earlier generation removed by hand once its certificates had expired
            throw new CaConfigurationException(CaOptions.DataDirKey, $"The issuing CA generation {generation} ('{crt}') is missing.");
        }
        X509Certificate2 issuing = LoadCertificates(crt, CaOptions.DataDirKey)[0];
        if (skipExpired && time.GetUtcNow() >= issuing.NotAfter.ToUniversalTime())
        {
            issuing.Dispose();
            return null;
        }
        X509Certificate2 root = LoadCertificates(Path.Combine(directory, RootCertificateFile), CaOptions.DataDirKey)[0];
        ISigner signer = LoadKey(GenerationKey(directory, generation), issuing, passphrase, CaPassphrase.OptionName, CaOptions.DataDirKey);
        var (assembled, rootDer) = Assemble(GenerationId(issuerId, generation), issuing, [], root, signer, CaOptions.DataDirKey, $"'{directory}'", time);
        return (new IssuingCa(assembled.Id, assembled.Certificate, assembled.ChainDer, assembled.Signer, issuerId, generation), rootDer);
    }

    /// <summary>
    /// Rolls the issuing CA of a locally managed CA directory over: under the directory's lock, issues the next generation
    /// (new key, signed by the root) and makes it current. Every node sharing the directory picks it up on its next refresh.
    /// </summary>
    /// <exception cref="CaConfigurationException">The CA is imported, or the root key is not in the directory (an offline root).</exception>
    /// <param name="expectedCurrent">The generation the caller saw as current: when another node rolled over meanwhile, nothing is created.</param>
    public static int RollOver(CaOptions options, ILogger logger, TimeProvider time, int? expectedCurrent = null)
    {
        if (options.Import.IsConfigured)
        {
            throw new CaConfigurationException(ImportPrefix.TrimEnd(':'), "An imported issuing CA cannot be rolled over by the gateway: issue its successor with its root and import it.");
        }
        string directory = CaPaths.CaDirectory(options);
        using FileStream _ = SecureFile.AcquireLock(Path.Combine(directory, ".lock"));
        string passphrase = CaPassphrase.Resolve(options, logger);
        int current = ReadCurrentGeneration(directory);
        if (expectedCurrent is { } expected && current != expected)
        {
            logger.LogInformation("Issuing CA generation {Generation} is already current (another node rolled over).", current);
            return current;
        }
        return CreateNextGeneration(options, directory, passphrase, current, time.GetUtcNow(), logger);
    }

    /// <summary>Whether <see cref="RollOver"/> can work here: a locally managed CA with its root key in the directory.</summary>
    public static bool CanRollOver(CaOptions options) =>
        !options.Import.IsConfigured && File.Exists(Path.Combine(CaPaths.CaDirectory(options), RootKeyFile));

    private static int CreateNextGeneration(CaOptions options, string directory, string passphrase, int current, DateTimeOffset now, ILogger logger)
    {
        string rootKey = Path.Combine(directory, RootKeyFile);
        if (!File.Exists(rootKey))
        {
            throw new CaConfigurationException(CaOptions.DataDirKey,
                $"The issuing CA cannot be rolled over: '{rootKey}' is not in the CA directory (an offline root). Issue the next issuing CA with the root " +
                $"offline and place it as 'issuing-g{current + 1}.crt' and '.key' with '{CurrentGenerationFile}' holding {current + 1}.");
        }
        int next = current + 1;
        ReissueIssuing(options, Path.Combine(directory, RootCertificateFile), rootKey, GenerationCertificate(directory, next), GenerationKey(directory, next),
            passphrase, now, logger);
        // The pointer is written last and atomically: a node that reads it finds the new generation's files complete.
        string pointer = Path.Combine(directory, CurrentGenerationFile);
        SecureFile.WriteAllText(pointer + ".tmp", next.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        File.Move(pointer + ".tmp", pointer, overwrite: true);
        logger.LogWarning("Issuing CA rolled over to generation {Generation}; earlier generations keep serving CRLs and OCSP until they expire.", next);
        return next;
    }

    private static (IssuingCa, byte[]) LoadOrGenerate(
        CaOptions options, string directory, string passphrase, string issuerId, ILogger logger, TimeProvider time)
    {
        string rootCrt = Path.Combine(directory, RootCertificateFile);
        string rootKey = Path.Combine(directory, RootKeyFile);
        string issuingCrt = Path.Combine(directory, IssuingCertificateFile);
        string issuingKey = Path.Combine(directory, IssuingKeyFile);
        bool hasRootCrt = File.Exists(rootCrt), hasRootKey = File.Exists(rootKey);
        bool hasIssuingCrt = File.Exists(issuingCrt), hasIssuingKey = File.Exists(issuingKey);
        DateTimeOffset now = time.GetUtcNow();

        if (!hasRootCrt && !hasRootKey && !hasIssuingCrt && !hasIssuingKey)
        {
            (X509Certificate2 newRoot, ISigner rootSigner) = GenerateRoot(options, rootCrt, rootKey, passphrase, now, logger);
            try
            {
                GenerateIssuing(options, newRoot, rootSigner, issuingCrt, issuingKey, passphrase, now, logger);
            }
            finally
            {
                newRoot.Dispose();
                DisposeSigner(rootSigner);
            }
        }
        else if (hasRootCrt && hasRootKey && !hasIssuingCrt && !hasIssuingKey)
        {
            logger.LogWarning("No issuing CA in {Directory}: issuing a new one from the root.", directory);
            ReissueIssuing(options, rootCrt, rootKey, issuingCrt, issuingKey, passphrase, now, logger);
        }
        else if (!(hasRootCrt && hasIssuingCrt && hasIssuingKey))
        {
            string missing = string.Join(", ", new[] { (hasRootCrt, RootCertificateFile), (hasIssuingCrt, IssuingCertificateFile), (hasIssuingKey, IssuingKeyFile) }
                .Where(f => !f.Item1).Select(f => f.Item2));
            throw new CaConfigurationException(
                CaOptions.DataDirKey,
                $"The CA material in '{directory}' ({CaOptions.DataDirKey}) is incomplete: {missing} missing. Restore the files, " +
                "or move the directory away to generate a new CA.");
        }
        else
        {
            using X509Certificate2 current = LoadCertificates(issuingCrt, CaOptions.DataDirKey)[0];
            if (now >= current.NotAfter.ToUniversalTime())
            {
                if (!hasRootKey)
                {
                    throw new CaConfigurationException(
                        CaOptions.DataDirKey,
                        $"The issuing CA in '{issuingCrt}' expired on {current.NotAfter.ToUniversalTime():u} and there is no " +
                        $"'{RootKeyFile}' to issue a new one.");
                }

                logger.LogWarning("The issuing CA expired on {NotAfter:u}: issuing a new one from the root.", current.NotAfter.ToUniversalTime());
                Archive(issuingCrt, now);
                Archive(issuingKey, now);
                ReissueIssuing(options, rootCrt, rootKey, issuingCrt, issuingKey, passphrase, now, logger);
            }
        }

        if (File.Exists(rootKey))
        {
            logger.LogInformation(
                "The root CA key {RootKey} is on this host; the gateway signs with the issuing key only and needs the root key just to " +
                "issue a new issuing CA. For an offline root, move {RootKeyFile} to offline storage: {Directory} then needs only {Root}, " +
                "{Issuing} and {IssuingKey}.", rootKey, RootKeyFile, directory, RootCertificateFile, IssuingCertificateFile, IssuingKeyFile);
        }
        else
        {
            logger.LogInformation("Offline root: no {RootKeyFile} in {Directory}; the issuing CA signs everything, and its successor " +
                "must be issued with the offline root before it expires.", RootKeyFile, directory);
        }

        X509Certificate2 root = LoadCertificates(rootCrt, CaOptions.DataDirKey)[0];
        X509Certificate2 issuing = LoadCertificates(issuingCrt, CaOptions.DataDirKey)[0];
        ISigner signer = LoadKey(issuingKey, issuing, passphrase, CaPassphrase.OptionName, CaOptions.DataDirKey);
        return Assemble(issuerId, issuing, [], root, signer, CaOptions.DataDirKey, $"'{directory}'", time);
    }

    private static (X509Certificate2 Root, ISigner Signer) GenerateRoot(
        CaOptions options, string crtPath, string keyPath, string passphrase, DateTimeOffset now, ILogger logger)
    {
        ISigner signer = CaKeyAlgorithm.Generate(options.RootKeyAlgorithm);
        var subject = new X500DistinguishedName(options.RootSubject);
        DateTimeOffset notBefore = WholeSeconds(now - Backdate);
        DateTimeOffset notAfter = notBefore.AddYears(options.RootLifetimeYears);

        var request = new CertificateRequest(subject, PublicKey.CreateFromSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));

        X509Certificate2 root = request.Create(subject, new SignerSignatureGenerator(signer), notBefore, notAfter, NewSerial());
        SecureFile.WriteAllText(keyPath, ExportKey(signer, passphrase));
        SecureFile.WriteAllText(crtPath, PemEncoding.WriteString("CERTIFICATE", root.RawData));
        logger.LogInformation(
            "Generated root CA {Subject} ({Algorithm}, valid until {NotAfter:u}, SHA-256 {Fingerprint}) in {Path}.",
            root.Subject, options.RootKeyAlgorithm, notAfter, root.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(), crtPath);
        return (root, signer);
    }

    private static void ReissueIssuing(
        CaOptions options, string rootCrt, string rootKey, string issuingCrt, string issuingKey, string passphrase, DateTimeOffset now, ILogger logger)
    {
        using X509Certificate2 root = LoadCertificates(rootCrt, CaOptions.DataDirKey)[0];
        ISigner rootSigner = LoadKey(rootKey, root, passphrase, CaPassphrase.OptionName, CaOptions.DataDirKey);
        try
        {
            if (!root.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(rootSigner.SubjectPublicKeyInfo))
            {
                throw new CaConfigurationException(CaOptions.DataDirKey, $"'{rootKey}' is not the key of '{rootCrt}'.");
            }

            GenerateIssuing(options, root, rootSigner, issuingCrt, issuingKey, passphrase, now, logger);
        }
        finally
        {
            DisposeSigner(rootSigner);
        }
    }

    private static void GenerateIssuing(
        CaOptions options, X509Certificate2 root, ISigner rootSigner, string crtPath, string keyPath, string passphrase, DateTimeOffset now, ILogger logger)
    {
        ISigner signer = CaKeyAlgorithm.Generate(options.IssuingKeyAlgorithm);
        try
        {
            GenerateIssuing(options, root, rootSigner, signer, crtPath, keyPath, passphrase, now, logger);
        }
        finally
        {
            DisposeSigner(signer);
        }
    }

    private static void GenerateIssuing(
        CaOptions options, X509Certificate2 root, ISigner rootSigner, ISigner signer, string crtPath, string keyPath, string passphrase,
        DateTimeOffset now, ILogger logger)
    {
        var subject = new X500DistinguishedName(options.IssuingSubject);
        DateTimeOffset rootNotBefore = new(root.NotBefore.ToUniversalTime());
        DateTimeOffset rootNotAfter = new(root.NotAfter.ToUniversalTime());
        DateTimeOffset notBefore = WholeSeconds(now - Backdate);
        notBefore = notBefore < rootNotBefore ? rootNotBefore : notBefore;
        DateTimeOffset notAfter = notBefore.AddYears(options.IssuingLifetimeYears);
        notAfter = notAfter > rootNotAfter ? rootNotAfter : notAfter;
        if (notAfter <= now)
        {
            throw new CaConfigurationException(CaOptions.DataDirKey, $"The root CA '{root.Subject}' expired on {rootNotAfter:u}; it cannot issue an issuing CA.");
        }

        var request = new CertificateRequest(subject, PublicKey.CreateFromSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));
        X509SubjectKeyIdentifierExtension rootSki = root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(root.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(rootSki));

        using X509Certificate2 issuing = request.Create(root.SubjectName, new SignerSignatureGenerator(rootSigner), notBefore, notAfter, NewSerial());
        SecureFile.WriteAllText(keyPath, ExportKey(signer, passphrase));
        SecureFile.WriteAllText(crtPath, PemEncoding.WriteString("CERTIFICATE", issuing.RawData));
        logger.LogInformation(
            "Generated issuing CA {Subject} ({Algorithm}, valid until {NotAfter:u}, SHA-256 {Fingerprint}) in {Path}.",
            issuing.Subject, options.IssuingKeyAlgorithm, notAfter, issuing.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(), crtPath);
    }

    private static (IssuingCa, byte[]) ImportPem(CaImportOptions import, string issuerId, ILogger logger, TimeProvider time)
    {
        const string certificateOption = ImportPrefix + nameof(CaImportOptions.IssuingCertificate);
        const string keyOption = ImportPrefix + nameof(CaImportOptions.IssuingKey);
        List<X509Certificate2> issuingFile = LoadCertificates(import.IssuingCertificate!, certificateOption);
        X509Certificate2? root = string.IsNullOrWhiteSpace(import.RootCertificate)
            ? null
            : LoadCertificates(import.RootCertificate, ImportPrefix + nameof(CaImportOptions.RootCertificate))[0];
        string keyPasswordOption = ImportPrefix + nameof(CaImportOptions.KeyPassword);
        ISigner signer = LoadKey(import.IssuingKey!, issuingFile[0], import.KeyPassword, keyPasswordOption, keyOption);
        logger.LogInformation("Importing issuing CA {Subject} from {Certificate} and {Key}.", issuingFile[0].Subject, import.IssuingCertificate, import.IssuingKey);
        return Assemble(issuerId, issuingFile[0], issuingFile.Skip(1).ToList(), root, signer, keyOption, $"'{import.IssuingCertificate}'", time);
    }

    private static (IssuingCa, byte[]) ImportPkcs12(CaImportOptions import, string issuerId, ILogger logger, TimeProvider time)
    {
        const string option = ImportPrefix + nameof(CaImportOptions.Pkcs12);
        const string passwordOption = ImportPrefix + nameof(CaImportOptions.Pkcs12Password);
        X509Certificate2Collection collection;
        try
        {
            collection = X509CertificateLoader.LoadPkcs12CollectionFromFile(import.Pkcs12!, import.Pkcs12Password, KeyStorageFlags);
        }
        catch (CryptographicException ex)
        {
            throw new CaConfigurationException(
                passwordOption,
                $"Cannot read the PKCS#12 '{import.Pkcs12}' ({option}): {passwordOption} is wrong or the file is damaged.", ex);
        }

        List<X509Certificate2> withKey = collection.Where(c => c.HasPrivateKey).ToList();
        if (withKey.Count != 1)
        {
            throw new CaConfigurationException(option, $"The PKCS#12 '{import.Pkcs12}' ({option}) must hold exactly one private key; it holds {withKey.Count}.");
        }

        X509Certificate2 issuing = withKey[0];
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)issuing.GetECDsaPrivateKey() ?? issuing.GetRSAPrivateKey()
            ?? throw new CaConfigurationException(option, $"The private key in '{import.Pkcs12}' ({option}) is neither ECDSA nor RSA.");
        ISigner signer = CreateSigner(key, option);
        X509Certificate2? root = string.IsNullOrWhiteSpace(import.RootCertificate)
            ? null
            : LoadCertificates(import.RootCertificate, ImportPrefix + nameof(CaImportOptions.RootCertificate))[0];
        List<X509Certificate2> others = collection.Where(c => !ReferenceEquals(c, issuing)).ToList();
        logger.LogInformation("Importing issuing CA {Subject} from {Pkcs12}.", issuing.Subject, import.Pkcs12);
        return Assemble(issuerId, X509CertificateLoader.LoadCertificate(issuing.RawData), others, root, signer, option, $"'{import.Pkcs12}'", time);
    }

    /// <summary>Builds the chain issuing → … → root, checks it with <see cref="X509Chain"/> and wraps it all into an <see cref="IssuingCa"/>.</summary>
    private static (IssuingCa, byte[]) Assemble(
        string issuerId, X509Certificate2 issuing, IReadOnlyList<X509Certificate2> pool, X509Certificate2? root, ISigner signer,
        string option, string source, TimeProvider time)
    {
        var candidates = new List<X509Certificate2>(pool);
        if (root is not null)
        {
            candidates.Add(root);
        }

        var chain = new List<X509Certificate2> { issuing };
        while (!IsSelfIssued(chain[^1]))
        {
            X509Certificate2? parent = candidates.FirstOrDefault(c =>
                c.SubjectName.RawData.AsSpan().SequenceEqual(chain[^1].IssuerName.RawData) && !chain.Any(x => x.RawData.AsSpan().SequenceEqual(c.RawData)));
            if (parent is null)
            {
                throw new CaConfigurationException(
                    option,
                    $"The chain of '{issuing.Subject}' from {source} ({option}) stops at '{chain[^1].Subject}' without reaching a " +
                    $"self-signed root; supply it in {ImportPrefix}{nameof(CaImportOptions.RootCertificate)}.");
            }

            chain.Add(parent);
        }

        try
        {
            CheckIsCa(issuing, option, source);
            CheckChain(chain, option, source, time);
            var issuer = new IssuingCa(issuerId, issuing, chain.Select(c => c.RawData).ToArray(), signer);
            return (issuer, chain[^1].RawData);
        }
        catch (ArgumentException ex)
        {
            DisposeSigner(signer);
            throw new CaConfigurationException(option, $"The private key from {source} ({option}) is not the key of '{issuing.Subject}'.", ex);
        }
        catch
        {
            DisposeSigner(signer);
            throw;
        }
    }

    private static void CheckIsCa(X509Certificate2 certificate, string option, string source)
    {
        X509BasicConstraintsExtension? constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        X509KeyUsageExtension? usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true }
            || (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)))
        {
            throw new CaConfigurationException(
                option, $"'{certificate.Subject}' from {source} ({option}) is not a CA certificate (basicConstraints cA and keyUsage keyCertSign).");
        }
    }

    private static void CheckChain(List<X509Certificate2> chain, string option, string source, TimeProvider time)
    {
        using var x509Chain = new X509Chain();
        x509Chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        x509Chain.ChainPolicy.CustomTrustStore.Add(chain[^1]);
        x509Chain.ChainPolicy.ExtraStore.AddRange(chain.Skip(1).ToArray());
        x509Chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        x509Chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        x509Chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!x509Chain.Build(chain[0]))
        {
            string problems = string.Join("; ", x509Chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
            throw new CaConfigurationException(option, $"The chain of '{chain[0].Subject}' from {source} ({option}) does not verify: {problems}");
        }
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    /// <summary>Reads every CERTIFICATE in a PEM file (or a single DER certificate).</summary>
    internal static List<X509Certificate2> LoadCertificates(string path, string option)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaConfigurationException(option, $"Cannot read '{path}' ({option}): {ex.Message}", ex);
        }

        var certificates = new List<X509Certificate2>();
        try
        {
            string text = System.Text.Encoding.ASCII.GetString(bytes);
            ReadOnlySpan<char> rest = text;
            while (PemEncoding.TryFind(rest, out PemFields fields))
            {
                if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
                }

                rest = rest[fields.Location.End..];
            }

            if (certificates.Count == 0)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(bytes));
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw new CaConfigurationException(option, $"'{path}' ({option}) is not a PEM or DER certificate.", ex);
        }

        return certificates;
    }

    /// <summary>
    /// Reads the private key PEM of <paramref name="certificate"/>: <c>ENCRYPTED PRIVATE KEY</c> is decrypted with
    /// <paramref name="password"/>; <c>PRIVATE KEY</c>, <c>EC PRIVATE KEY</c> and <c>RSA PRIVATE KEY</c> are read as they are.
    /// The key type follows the certificate's public key. Returns a signer that owns the key.
    /// </summary>
    internal static ISigner LoadKey(string path, X509Certificate2 certificate, string? password, string passwordOption, string fileOption)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaConfigurationException(fileOption, $"Cannot read '{path}' ({fileOption}): {ex.Message}", ex);
        }

        if (!PemEncoding.TryFind(pem, out PemFields fields))
        {
            throw new CaConfigurationException(fileOption, $"'{path}' ({fileOption}) holds no PEM private key.");
        }

        string label = pem[fields.Label];
        bool encrypted = label == "ENCRYPTED PRIVATE KEY";
        if (encrypted && string.IsNullOrEmpty(password))
        {
            throw new CaConfigurationException(passwordOption, $"'{path}' is an encrypted private key; set {passwordOption}.");
        }

        AsymmetricAlgorithm key = certificate.PublicKey.Oid.Value switch
        {
            Oids.EcPublicKey => ECDsa.Create(),
            Oids.RsaEncryption => RSA.Create(),
            string other => throw new CaConfigurationException(fileOption, $"'{certificate.Subject}' has a {other} key; the CA signs with ECDSA or RSA keys only."),
            null => throw new CaConfigurationException(fileOption, $"'{certificate.Subject}' has no public key algorithm."),
        };

        try
        {
            byte[] der = Convert.FromBase64String(pem[fields.Base64Data]);
            if (encrypted)
            {
                key.ImportEncryptedPkcs8PrivateKey(password.AsSpan(), der, out _);
            }
            else
            {
                ImportUnencrypted(key, label, der);
            }
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw encrypted
                ? new CaConfigurationException(passwordOption, $"Cannot decrypt '{path}': {passwordOption} is wrong or the file is damaged.", ex)
                : new CaConfigurationException(fileOption, $"'{path}' ({fileOption}) is not a readable private key of '{certificate.Subject}'.", ex);
        }

        return CreateSigner(key, fileOption);
    }

    private static void ImportUnencrypted(AsymmetricAlgorithm key, string label, byte[] der)
    {
        switch (label, key)
        {
            case ("PRIVATE KEY", _):
                key.ImportPkcs8PrivateKey(der, out _);
                break;
            case ("EC PRIVATE KEY", ECDsa ec):
                ec.ImportECPrivateKey(der, out _);
                break;
            case ("RSA PRIVATE KEY", RSA rsa):
                rsa.ImportRSAPrivateKey(der, out _);
                break;
            default:
                throw new CryptographicException($"Unsupported PEM label '{label}'.");
        }
    }

    private static ISigner CreateSigner(AsymmetricAlgorithm key, string option)
    {
        try
        {
            return key switch
            {
                ECDsa ec => new EcdsaSigner(ec),
                RSA rsa => new RsaSigner(rsa),
                _ => throw new ArgumentException($"Unsupported key type {key.GetType().Name}."),
            };
        }
        catch (ArgumentException ex)
        {
            key.Dispose();
            throw new CaConfigurationException(option, $"The CA key is not usable ({option}): {ex.Message}", ex);
        }
    }

    internal static string ExportKey(ISigner signer, string passphrase) => signer switch
    {
        EcdsaSigner ec => ec.Key.ExportEncryptedPkcs8PrivateKeyPem(passphrase.AsSpan(), KeyEncryption),
        RsaSigner rsa => rsa.Key.ExportEncryptedPkcs8PrivateKeyPem(passphrase.AsSpan(), KeyEncryption),
        _ => throw new NotSupportedException($"Cannot export the key of a {signer.GetType().Name}."),
    };

    internal static byte[] NewSerial()
    {
        byte[] serial = new byte[16];
        do
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
        }
        while (serial[0] == 0);
        return serial;
    }

    internal static void DisposeSigner(ISigner signer) => (signer as IDisposable)?.Dispose();

    private static void Archive(string path, DateTimeOffset now) =>
        File.Move(path, $"{path}.expired-{now:yyyyMMddHHmmss}", overwrite: true);

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static X509KeyStorageFlags KeyStorageFlags =>
        OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
}
