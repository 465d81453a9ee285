using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Est;

/// <summary>Manufacturer (IDevID) trust anchors from configuration, loaded once.</summary>
internal sealed class EstTrustAnchors
{
    private readonly X509Certificate2Collection _global;
    private readonly Dictionary<string, X509Certificate2Collection> _perProfile = new(StringComparer.OrdinalIgnoreCase);

    public EstTrustAnchors(IOptions<EstOptions> options)
    {
        _global = Load(options.Value.TrustAnchors, $"{EstOptions.Section}:TrustAnchors");
        foreach (var (profile, files) in options.Value.ProfileTrustAnchors)
        {
            _perProfile[profile] = Load(files, $"{EstOptions.Section}:ProfileTrustAnchors:{profile}");
        }
    }

    /// <summary>The manufacturer anchors that apply to <paramref name="profile"/>.</summary>
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
            if (!File.Exists(file)) throw new OptionsValidationException(option, typeof(EstOptions), [$"{option}: file '{file}' does not exist"]);
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new OptionsValidationException(option, typeof(EstOptions), [$"{option}: '{file}' is not a PEM certificate file: {ex.Message}"]);
            }
        }
        return collection;
    }
}
