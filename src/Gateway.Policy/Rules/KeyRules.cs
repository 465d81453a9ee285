using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Policy.Names;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>keys</c> section: allowed algorithms, sizes, curves and key reuse.</summary>
internal sealed class KeyRules
{
    public required bool RsaAllowed { get; init; }

    public int RsaMinBits { get; init; } = 2048;

    public int RsaMaxBits { get; init; } = 8192;

    /// <summary>Allowed curve OIDs.</summary>
    public required IReadOnlySet<string> Curves { get; init; }

    public required string CurvesText { get; init; }

    public required bool Ed25519 { get; init; }

    public required bool AllowReuse { get; init; }

    public static KeyRules Default { get; } = new()
    {
        RsaAllowed = true,
        Curves = new HashSet<string>(StringComparer.Ordinal) { CurveNames.P256Oid, CurveNames.P384Oid, CurveNames.P521Oid },
        CurvesText = CurveNames.Known,
        Ed25519 = false,
        AllowReuse = false,
    };

    /// <summary>Checks the key; returns what was read from the SPKI (null when unreadable).</summary>
    public SpkiInfo? Evaluate(PolicyInput input, PolicyFacts? facts, RuleRecorder rules)
    {
        if (!SpkiInfo.TryRead(input.SubjectPublicKeyInfo, out var key))
        {
            rules.Deny("keys.spki", "The public key (SubjectPublicKeyInfo) could not be read", RejectionReason.BadKey);
            return null;
        }

        if (key.IsRsa)
        {
            EvaluateRsa(key, rules);
        }
        else if (key.IsEc)
        {
            var curve = CurveNames.Display(key.CurveOid);
            if (key.CurveOid is not null && Curves.Contains(key.CurveOid))
            {
                rules.Allow("keys.ec", $"EC key on curve {curve} is allowed");
            }
            else if (Curves.Count == 0)
            {
                rules.Deny("keys.ec", $"EC keys are not allowed by this profile (key on curve {curve})", RejectionReason.BadKey);
            }
            else
            {
                rules.Deny("keys.ec", $"EC key on curve {curve} is not allowed (allowed: {CurvesText})", RejectionReason.BadKey);
            }
        }
        else if (key.IsEd25519)
        {
            if (Ed25519)
            {
                rules.Allow("keys.ed25519", "Ed25519 key is allowed");
            }
            else
            {
                rules.Deny("keys.ed25519", "Ed25519 keys are not allowed by this profile", RejectionReason.BadKey);
            }
        }
        else
        {
            var name = key.AlgorithmOid == Oids.Ed448 ? "Ed448" : key.AlgorithmOid;
            rules.Deny("keys.algorithm", $"Key algorithm {name} is not allowed", RejectionReason.BadKey);
        }

        if (facts?.KeyInUseByOtherSubject is { } inUse)
        {
            if (!inUse)
            {
                rules.Allow("keys.allowReuse", "The key is not certified for any other subject");
            }
            else if (AllowReuse)
            {
                rules.Allow("keys.allowReuse", "The key is already certified for another subject; reuse is allowed");
            }
            else
            {
                rules.Deny("keys.allowReuse", "The key is already certified for another subject and reuse is not allowed", RejectionReason.BadKey);
            }
        }

        return key;
    }

    private void EvaluateRsa(SpkiInfo key, RuleRecorder rules)
    {
        var bits = key.RsaModulusBits;
        if (!RsaAllowed)
        {
            rules.Deny("keys.rsa", $"RSA keys are not allowed by this profile (key of {bits} bits)", RejectionReason.BadKey);
            return;
        }

        if (bits < RsaMinBits)
        {
            rules.Deny("keys.rsa.minBits", $"RSA key of {bits} bits is below the minimum {RsaMinBits}", RejectionReason.BadKey);
        }
        else
        {
            rules.Allow("keys.rsa.minBits", $"RSA key of {bits} bits meets the minimum {RsaMinBits}");
        }

        if (bits > RsaMaxBits)
        {
            rules.Deny("keys.rsa.maxBits", $"RSA key of {bits} bits is above the maximum {RsaMaxBits}", RejectionReason.BadKey);
        }
        else
        {
            rules.Allow("keys.rsa.maxBits", $"RSA key of {bits} bits is within the maximum {RsaMaxBits}");
        }

        if (!key.RsaExponentOdd)
        {
            rules.Deny("keys.rsa.exponent", "RSA public exponent is even", RejectionReason.BadKey);
        }
        else if (!key.RsaExponentAtLeast65537)
        {
            rules.Deny("keys.rsa.exponent", "RSA public exponent is below 65537", RejectionReason.BadKey);
        }
    }
}
