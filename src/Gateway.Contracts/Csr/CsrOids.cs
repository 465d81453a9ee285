namespace Gateway.Contracts.Csr;

/// <summary>The object identifiers the PKCS#10 parser knows by name.</summary>
internal static class CsrOids
{
    // PKCS#9 attributes
    public const string ChallengePassword = "1.2.840.113549.1.9.7";
    public const string ExtensionRequest = "1.2.840.113549.1.9.14";

    // Extensions
    public const string SubjectAltName = "2.5.29.17";

    // Public key algorithms
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string RsassaPss = "1.2.840.113549.1.1.10";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string Ed25519 = "1.3.101.112";

    // Named curves
    public const string Secp256r1 = "1.2.840.10045.3.1.7";
    public const string Secp384r1 = "1.3.132.0.34";
    public const string Secp521r1 = "1.3.132.0.35";

    // Signature algorithms
    public const string Md5WithRsa = "1.2.840.113549.1.1.4";
    public const string Sha1WithRsa = "1.2.840.113549.1.1.5";
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    public const string Sha384WithRsa = "1.2.840.113549.1.1.12";
    public const string Sha512WithRsa = "1.2.840.113549.1.1.13";
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";

    // Hashes and mask generation (RSASSA-PSS parameters)
    public const string Sha1 = "1.3.14.3.2.26";
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";
    public const string Sha384 = "2.16.840.1.101.3.4.2.2";
    public const string Sha512 = "2.16.840.1.101.3.4.2.3";
    public const string Mgf1 = "1.2.840.113549.1.1.8";
}
