namespace Gateway.Contracts;

/// <summary>Names of the authentication methods a <see cref="Requester"/> can carry; policy profiles refer to these.</summary>
public static class AuthenticationMethods
{
    public const string ApiKey = "api-key";
    public const string HttpBasic = "http-basic";

    /// <summary>
    /// In a profile: either kind of TLS client certificate (<see cref="ManufacturerCertificate"/> or
    /// <see cref="GatewayCertificate"/>); kept so that existing profiles keep working. A requester never carries it.
    /// </summary>
    public const string ClientCertificate = "client-certificate";

    /// <summary>A client certificate chaining to a configured manufacturer anchor (an IEEE 802.1AR IDevID).</summary>
    public const string ManufacturerCertificate = "manufacturer-certificate";

    /// <summary>A client certificate issued by this gateway (an LDevID), valid and accepted by the profile.</summary>
    public const string GatewayCertificate = "gateway-certificate";

    public const string ChallengePassword = "challenge-password";
    public const string SharedSecretMac = "mac";
    public const string Signature = "signature";
    public const string AcmeAccount = "acme-account";
    public const string ExternalAccountBinding = "eab";
    public const string None = "none";

    /// <summary>Whether a profile that lists <paramref name="allowed"/> admits a requester authenticated by <paramref name="method"/>.</summary>
    public static bool IsAllowed(IEnumerable<string> allowed, string method)
    {
        foreach (var listed in allowed)
        {
            if (string.Equals(listed, method, StringComparison.Ordinal)) return true;
            if (listed == ClientCertificate && method is ManufacturerCertificate or GatewayCertificate or ClientCertificate) return true;
        }
        return false;
    }
}
