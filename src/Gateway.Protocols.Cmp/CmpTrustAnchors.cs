using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Cmp;

/// <summary>External trust anchors for signature-protected requests (<see cref="CmpOptions.TrustAnchors"/>), loaded once.</summary>
internal sealed class CmpTrustAnchors
{
    private readonly X509Certificate2Collection _global;
    private readonly Dictionary<string, X509Certificate2Collection> _perProfile = new(StringComparer.OrdinalIgnoreCase);

    public CmpTrustAnchors(IOptions<CmpOptions> options)
    {
        _global = Load(options.Value.TrustAnchors, $"{CmpOptions.Section}:TrustAnchors");
        foreach (var (profile, files) in options.Value.ProfileTrustAnchors)
        {
            _perProfile[profile] = Load(files, $"{CmpOptions.Section}:ProfileTrustAnchors:{profile}");
        }
    }

    public X509Certificate2Collection For(string profile)
    {
        if (!_perProfile.TryGetValue(profile, out var extra)) return _global;
        var all = new X509Certificate2Collection(_global);
        all.AddRange(extra);
        return all;
    }

    private static X509Certificate2Collection Load(IEnumerable<string> files, string option)
    {
        var collection = new X509Certificate2Collection();
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new OptionsValidationException(option, typeof(CmpOptions), [$"{option}: file '{file}' does not exist"]);
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new OptionsValidationException(option, typeof(CmpOptions), [$"{option}: '{file}' is not a PEM certificate file: {ex.Message}"]);
            }
        }
        return collection;
    }
}
