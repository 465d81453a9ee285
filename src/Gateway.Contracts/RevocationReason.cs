namespace Gateway.Contracts;

/// <summary>RFC 5280 §5.3.1 CRLReason codes (7 is unused).</summary>
[GenerateSerializer, Alias("Gateway.RevocationReason")]
public enum RevocationReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

public static class RevocationReasons
{
    /// <summary>Parses the RFC 5280 name ("keyCompromise", case-insensitive) or the numeric code.</summary>
    public static bool TryParse(string? text, out RevocationReason reason)
    {
        reason = RevocationReason.Unspecified;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (int.TryParse(text, out var code))
        {
            if (code is < 0 or > 10 or 7) return false;
            reason = (RevocationReason)code;
            return true;
        }
        return Enum.TryParse(text.Trim(), ignoreCase: true, out reason) && Enum.IsDefined(reason) && !text.Contains(',');
    }

    /// <summary>The RFC 5280 name, e.g. "keyCompromise".</summary>
    public static string ToRfcName(this RevocationReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
