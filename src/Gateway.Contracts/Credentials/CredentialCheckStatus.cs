namespace Gateway.Contracts.Credentials;

[GenerateSerializer, Alias("Gateway.CredentialCheckStatus")]
public enum CredentialCheckStatus
{
    Valid = 0,
    /// <summary>No credential with this id.</summary>
    NotFound = 1,
    WrongSecret = 2,
    /// <summary>The credential is bound to another profile.</summary>
    WrongProfile = 3,
    Revoked = 4,
    Expired = 5,
    /// <summary>Every allowed use is used.</summary>
    Exhausted = 6,
    /// <summary>The request names a subject or SAN value outside the credential's <c>subjects</c>.</summary>
    SubjectNotAllowed = 7,
    /// <summary>Not checked: the client's address used up its failed credential checks for now (see <see cref="CredentialCheck.RetryAfter"/>).</summary>
    Throttled = 8,
}
