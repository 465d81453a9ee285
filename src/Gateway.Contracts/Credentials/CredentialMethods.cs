namespace Gateway.Contracts.Credentials;

/// <summary>
/// The authentication methods whose <see cref="Requester.Principal"/> is an enrollment credential id. For an enrollment
/// authenticated by one of them, the enrollment grain counts a use of the credential (and checks its profile, expiry,
/// uses and subjects) before issuing; front-ends only verify the secret or MAC.
/// </summary>
public static class CredentialMethods
{
    /// <summary>EST HTTP Basic, SCEP challengePassword, CMP MAC, ACME External Account Binding.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        AuthenticationMethods.HttpBasic,
        AuthenticationMethods.ChallengePassword,
        AuthenticationMethods.SharedSecretMac,
        AuthenticationMethods.ExternalAccountBinding,
    ];

    public static bool IsCredentialMethod(string method) =>
        method is AuthenticationMethods.HttpBasic or AuthenticationMethods.ChallengePassword
            or AuthenticationMethods.SharedSecretMac or AuthenticationMethods.ExternalAccountBinding;
}
