using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>Validates <see cref="CaOptions"/> at start; every message names the option it is about.</summary>
internal sealed class CaOptionsValidator : IValidateOptions<CaOptions>
{
    private const string Prefix = CaOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CaOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add($"{CaOptions.DataDirKey} must not be empty.");
        }

        if (!CaKeyAlgorithm.IsKnown(options.RootKeyAlgorithm))
        {
            errors.Add(CaKeyAlgorithm.Describe(Prefix + nameof(CaOptions.RootKeyAlgorithm), options.RootKeyAlgorithm));
        }

        if (!CaKeyAlgorithm.IsKnown(options.IssuingKeyAlgorithm))
        {
            errors.Add(CaKeyAlgorithm.Describe(Prefix + nameof(CaOptions.IssuingKeyAlgorithm), options.IssuingKeyAlgorithm));
        }

        ValidateDistinguishedName(errors, nameof(CaOptions.RootSubject), options.RootSubject);
        ValidateDistinguishedName(errors, nameof(CaOptions.IssuingSubject), options.IssuingSubject);

        if (options.RootLifetimeYears is < 1 or > 100)
        {
            errors.Add($"{Prefix}{nameof(CaOptions.RootLifetimeYears)} {options.RootLifetimeYears} is not between 1 and 100.");
        }

        if (options.IssuingLifetimeYears < 1 || options.IssuingLifetimeYears > Math.Max(1, options.RootLifetimeYears))
        {
            errors.Add($"{Prefix}{nameof(CaOptions.IssuingLifetimeYears)} {options.IssuingLifetimeYears} is not between 1 and " +
                $"{Prefix}{nameof(CaOptions.RootLifetimeYears)} ({options.RootLifetimeYears}).");
        }

        if (options.ExpiryWarning < TimeSpan.FromDays(1) || options.ExpiryWarning > TimeSpan.FromDays(3650))
        {
            errors.Add($"{Prefix}{nameof(CaOptions.ExpiryWarning)} {options.ExpiryWarning} is not between 1.00:00:00 and 3650.00:00:00.");
        }

        if (options.RolloverBefore < TimeSpan.FromDays(1) || options.RolloverBefore > TimeSpan.FromDays(3650))
        {
            errors.Add($"{Prefix}{nameof(CaOptions.RolloverBefore)} {options.RolloverBefore} is not between 1.00:00:00 and 3650.00:00:00.");
        }
        else if (options.RolloverBefore >= TimeSpan.FromDays(365.0 * options.IssuingLifetimeYears) - TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}{nameof(CaOptions.RolloverBefore)} {options.RolloverBefore} must be shorter than the issuing CA's lifetime " +
                $"({Prefix}{nameof(CaOptions.IssuingLifetimeYears)} = {options.IssuingLifetimeYears}), or every new issuing CA would be due at once.");
        }

        if (options.RolloverCheckInterval < TimeSpan.FromSeconds(1) || options.RolloverCheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}{nameof(CaOptions.RolloverCheckInterval)} {options.RolloverCheckInterval} is not between 00:00:01 and 1.00:00:00.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) && DescribeBaseUrlProblem(options.PublicBaseUrl) is { } problem)
        {
            errors.Add($"{CaOptions.PublicBaseUrlKey} '{options.PublicBaseUrl}' {problem}.");
        }

        if (CaPassphrase.IsConfigured(options) && (string.IsNullOrWhiteSpace(options.Passphrase) || options.Passphrase!.Length < CaPassphrase.MinimumLength))
        {
            // Dev mode (no passphrase) generates 32 random bytes; a chosen one must be long enough to resist guessing offline.
            errors.Add($"{CaPassphrase.OptionName} is shorter than the minimum: use at least {CaPassphrase.MinimumLength} characters " +
                "(e.g. openssl rand -hex 32), or leave it unset for dev mode.");
        }

        ValidateImport(errors, options.Import ?? new CaImportOptions());
        ValidateServerTls(errors, options.ServerTls ?? new ServerTlsOptions());

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Null when <paramref name="value"/> can prefix CRL, OCSP and CA URLs written into certificates (IA5String URIs).</summary>
    internal static string? DescribeBaseUrlProblem(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "is not an absolute http:// or https:// URL";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not have a query, a fragment or user information";
        }

        return value.Trim().Any(c => c is < '!' or > '~') ? "must be printable ASCII without spaces (write international names in punycode)" : null;
    }

    private static void ValidateDistinguishedName(List<string> errors, string option, string? value)
    {
        string key = Prefix + option;
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{key} must not be empty.");
            return;
        }

        try
        {
            var dn = new X500DistinguishedName(value);
            if (dn.RawData.Length <= 2)
            {
                errors.Add($"{key} '{value}' has no relative distinguished names.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            errors.Add($"{key} '{value}' is not a valid distinguished name (e.g. 'CN=Example CA,O=Example').");
        }
    }

    private static void ValidateImport(List<string> errors, CaImportOptions import)
    {
        const string key = Prefix + "Import:";
        if (import.UsesPem && import.UsesPkcs12)
        {
            errors.Add($"{key}{nameof(CaImportOptions.Pkcs12)} cannot be combined with {key}{nameof(CaImportOptions.IssuingCertificate)}/{nameof(CaImportOptions.IssuingKey)}.");
        }

        if (import.UsesPem)
        {
            if (string.IsNullOrWhiteSpace(import.IssuingCertificate))
            {
                errors.Add($"{key}{nameof(CaImportOptions.IssuingCertificate)} is required when {key}{nameof(CaImportOptions.IssuingKey)} is set.");
            }

            if (string.IsNullOrWhiteSpace(import.IssuingKey))
            {
                errors.Add($"{key}{nameof(CaImportOptions.IssuingKey)} is required when {key}{nameof(CaImportOptions.IssuingCertificate)} is set.");
            }
        }

        if (!import.IsConfigured && !string.IsNullOrWhiteSpace(import.RootCertificate))
        {
            errors.Add($"{key}{nameof(CaImportOptions.RootCertificate)} needs {key}{nameof(CaImportOptions.IssuingCertificate)} and " +
                $"{key}{nameof(CaImportOptions.IssuingKey)}, or {key}{nameof(CaImportOptions.Pkcs12)}.");
        }

        RequireFile(errors, key + nameof(CaImportOptions.RootCertificate), import.RootCertificate);
        RequireFile(errors, key + nameof(CaImportOptions.IssuingCertificate), import.IssuingCertificate);
        RequireFile(errors, key + nameof(CaImportOptions.IssuingKey), import.IssuingKey);
        RequireFile(errors, key + nameof(CaImportOptions.Pkcs12), import.Pkcs12);
    }

    private static void RequireFile(List<string> errors, string key, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            errors.Add($"{key} file '{path}' does not exist.");
        }
    }

    private static void ValidateServerTls(List<string> errors, ServerTlsOptions tls)
    {
        const string key = Prefix + "ServerTls:";
        for (int i = 0; i < tls.HostNames.Count; i++)
        {
            string host = tls.HostNames[i];
            if (!HostName.IsValid(host))
            {
                errors.Add($"{key}{nameof(ServerTlsOptions.HostNames)}:{i} '{host}' is neither a DNS name nor an IP address.");
            }
        }

        if (tls.LifetimeDays is < 1 or > 825)
        {
            errors.Add($"{key}{nameof(ServerTlsOptions.LifetimeDays)} {tls.LifetimeDays} is not between 1 and 825.");
        }
    }
}
