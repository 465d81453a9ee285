using Gateway.Contracts;

namespace Gateway.Policy.Names;

/// <summary>Protocol and authentication-method names as written in profiles.</summary>
internal static class ProtocolNames
{
    private static readonly Dictionary<string, EnrollmentProtocol> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = EnrollmentProtocol.Admin,
        ["acme"] = EnrollmentProtocol.Acme,
        ["scep"] = EnrollmentProtocol.Scep,
        ["est"] = EnrollmentProtocol.Est,
        ["cmp"] = EnrollmentProtocol.Cmp,
    };

    private static readonly HashSet<string> AuthenticationMethodSet = new(StringComparer.Ordinal)
    {
        AuthenticationMethods.ApiKey,
        AuthenticationMethods.HttpBasic,
        AuthenticationMethods.ClientCertificate,
        AuthenticationMethods.ManufacturerCertificate,
        AuthenticationMethods.GatewayCertificate,
        AuthenticationMethods.ChallengePassword,
        AuthenticationMethods.SharedSecretMac,
        AuthenticationMethods.Signature,
        AuthenticationMethods.AcmeAccount,
        AuthenticationMethods.ExternalAccountBinding,
        AuthenticationMethods.None,
    };

    public const string KnownProtocols = "admin, acme, scep, est, cmp";

    public static string KnownAuthenticationMethods => string.Join(", ", AuthenticationMethodSet);

    public static bool TryGetProtocol(string name, out EnrollmentProtocol protocol) => ByName.TryGetValue(name, out protocol);

    public static string Display(EnrollmentProtocol protocol) => protocol switch
    {
        EnrollmentProtocol.Admin => "admin",
        EnrollmentProtocol.Acme => "acme",
        EnrollmentProtocol.Scep => "scep",
        EnrollmentProtocol.Est => "est",
        EnrollmentProtocol.Cmp => "cmp",
        _ => protocol.ToString().ToLowerInvariant(),
    };

    public static bool IsAuthenticationMethod(string name) => AuthenticationMethodSet.Contains(name);
}
