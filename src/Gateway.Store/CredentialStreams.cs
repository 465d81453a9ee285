namespace Gateway.Store;

/// <summary>Stream ids of credentials: <c>credential:&lt;id&gt;</c>, apart from enrollment ids and serials.</summary>
public static class CredentialStreams
{
    public const string Prefix = "credential:";

    public static string For(string credentialId) => Prefix + credentialId;
}
