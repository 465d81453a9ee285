using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca;

/// <summary>The passphrase that encrypts CA keys (and the server TLS PKCS#12) at rest: configured, or dev mode's generated one.</summary>
internal static class CaPassphrase
{
    public const string OptionName = CaOptions.SectionName + ":" + nameof(CaOptions.Passphrase);
    public const string FileName = "passphrase";

    /// <summary>Minimum length of a configured passphrase (dev mode's generated one is 32 random bytes, base64).</summary>
    public const int MinimumLength = 16;

    public static bool IsConfigured(CaOptions options) => !string.IsNullOrEmpty(options.Passphrase);

    public static string DevFilePath(CaOptions options) => Path.Combine(CaPaths.CaDirectory(options), FileName);

    /// <summary>
    /// Returns the configured passphrase, or in dev mode the one in <c>&lt;DataDir&gt;/ca/passphrase</c> (created 0600
    /// with 32 random bytes if missing). Logs the dev-mode warning when <paramref name="logger"/> is given; never logs the value.
    /// </summary>
    public static string Resolve(CaOptions options, ILogger? logger)
    {
        if (IsConfigured(options))
        {
            return options.Passphrase!;
        }

        string path = DevFilePath(options);
        SecureFile.CreateDirectory(Path.GetDirectoryName(path)!);
        bool created = SecureFile.TryCreateText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        string passphrase = File.ReadAllText(path).Trim();
        if (passphrase.Length == 0)
        {
            throw new CaConfigurationException(OptionName, $"{OptionName} is not set and the dev passphrase file '{path}' is empty.");
        }

        logger?.LogWarning(
            "Gateway CA is in DEV MODE: {Option} is not set, so private keys are encrypted at rest with a generated passphrase " +
            "kept next to them in {PassphraseFile} ({State}). Set {Option} for production.",
            OptionName, path, created ? "just created" : "existing", OptionName);
        return passphrase;
    }
}
