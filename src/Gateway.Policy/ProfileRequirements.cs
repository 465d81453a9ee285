using Gateway.Contracts;

namespace Gateway.Policy;

/// <summary>
/// What a profile asks of a request, for protocols that tell clients up front (EST csrattrs, server-side key
/// generation): the allowed keys (preferred first), required subject attributes (OIDs) and the EKUs it will issue.
/// </summary>
public sealed record ProfileRequirements(
    IReadOnlyList<KeyDescription> AllowedKeys,
    IReadOnlyList<string> RequiredSubjectAttributes,
    IReadOnlyList<string> ExtendedKeyUsages)
{
    internal static ProfileRequirements From(ProfileDefinition definition)
    {
        var keys = new List<KeyDescription>();
        // Preference: the smallest named curve, then RSA at its minimum (cheapest acceptable key for a device).
        foreach (var (oid, name, bits) in new[] { (Names.CurveNames.P256Oid, "P-256", 256), (Names.CurveNames.P384Oid, "P-384", 384), (Names.CurveNames.P521Oid, "P-521", 521) })
        {
            if (definition.Keys.Curves.Contains(oid)) keys.Add(new KeyDescription(KeyDescription.Ec, bits, name));
        }
        if (definition.Keys.RsaAllowed) keys.Add(new KeyDescription(KeyDescription.Rsa, Math.Max(2048, definition.Keys.RsaMinBits), null));
        if (definition.Keys.Ed25519) keys.Add(new KeyDescription(KeyDescription.Ed25519, 256, null));
        return new ProfileRequirements(keys, definition.Subject.Required, definition.Extensions.ExtendedKeyUsages);
    }
}
