using Gateway.Policy.Names;

namespace Gateway.Policy;

/// <summary>
/// What the gateway's operator (configuration, never a profile or the admin API) lets profiles do beyond the defaults:
/// the sensitive extended key usages (<c>Gateway:Policies:AllowSensitiveExtendedKeyUsages</c>). Immutable.
/// </summary>
public sealed class ProfileParseOptions
{
    /// <summary>The configuration key that allows sensitive extended key usages, named in every refusal.</summary>
    public const string AllowSensitiveExtendedKeyUsagesOption = "Gateway:Policies:AllowSensitiveExtendedKeyUsages";

    private readonly HashSet<string> _allowedSensitiveExtendedKeyUsages;

    private ProfileParseOptions(HashSet<string> allowed) => _allowedSensitiveExtendedKeyUsages = allowed;

    /// <summary>Nothing beyond the defaults: codeSigning, timeStamping, anyExtendedKeyUsage and unnamed OIDs are refused.</summary>
    public static ProfileParseOptions Default { get; } = new(new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The OIDs of the sensitive extended key usages profiles may grant.</summary>
    public IReadOnlyCollection<string> AllowedSensitiveExtendedKeyUsages => _allowedSensitiveExtendedKeyUsages;

    /// <summary>
    /// Options allowing <paramref name="allowedSensitiveExtendedKeyUsages"/> (names such as <c>codeSigning</c> or dotted
    /// OIDs); false with a message naming the option for an unknown name and for ocspSigning, which no leaf may carry.
    /// </summary>
    public static bool TryCreate(IEnumerable<string>? allowedSensitiveExtendedKeyUsages, out ProfileParseOptions options, out string error)
    {
        options = Default;
        error = string.Empty;
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var value in allowedSensitiveExtendedKeyUsages ?? [])
        {
            var text = value?.Trim() ?? string.Empty;
            if (!ExtendedKeyUsageNames.TryGetOid(text, out var oid))
            {
                error = $"{AllowSensitiveExtendedKeyUsagesOption}:{i} '{text}' is not an extended key usage ({ExtendedKeyUsageNames.Known}).";
                return false;
            }

            if (oid == ExtendedKeyUsageNames.OcspSigning)
            {
                error = $"{AllowSensitiveExtendedKeyUsagesOption}:{i} '{text}': ocspSigning cannot be allowed; a leaf certificate with it " +
                    "could sign OCSP responses for every certificate of its issuing CA.";
                return false;
            }

            allowed.Add(oid);
            i++;
        }

        options = allowed.Count == 0 ? Default : new ProfileParseOptions(allowed);
        return true;
    }

    internal bool Allows(string oid) => _allowedSensitiveExtendedKeyUsages.Contains(oid);
}
