using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Common;

/// <summary>
/// External (manufacturer, IDevID) trust anchors of a front-end, from configuration: PEM files for every profile
/// (<c>&lt;section&gt;:TrustAnchors:N</c>) plus per profile (<c>&lt;section&gt;:ProfileTrustAnchors:&lt;profile&gt;:N</c>),
/// loaded once; a missing or unreadable file stops the start naming the option.
/// </summary>
public abstract class TrustAnchorSet
{
    private readonly X509Certificate2Collection _global;
    private readonly Dictionary<string, X509Certificate2Collection> _perProfile = new(StringComparer.OrdinalIgnoreCase);

    protected TrustAnchorSet(IEnumerable<string> files, IReadOnlyDictionary<string, List<string>> perProfile, string section, Type optionsType)
    {
        _global = Load(files, $"{section}:TrustAnchors", optionsType);
        foreach (var (profile, profileFiles) in perProfile)
        {
            _perProfile[profile] = Load(profileFiles, $"{section}:ProfileTrustAnchors:{profile}", optionsType);
        }
    }

    /// <summary>The anchors that apply to <paramref name="profile"/>.</summary>
    public X509Certificate2Collection For(string profile)
    {
        if (!_perProfile.TryGetValue(profile, out var extra)) return _global;
        var all = new X509Certificate2Collection(_global);
        all.AddRange(extra);
        return all;
    }

    private static X509Certificate2Collection Load(IEnumerable<string> files, string option, Type optionsType)
    {
        var collection = new X509Certificate2Collection();
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new OptionsValidationException(option, optionsType, [$"{option}: file '{file}' does not exist"]);
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new OptionsValidationException(option, optionsType, [$"{option}: '{file}' is not a PEM certificate file: {ex.Message}"]);
            }
        }
        return collection;
    }
}
