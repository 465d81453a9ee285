namespace Gateway.Pkix;

/// <summary>
/// The one table of the object identifiers the gateway knows by name (RFC 5280, RFC 5652, RFC 2986, RFC 3279/4055/5480/8410,
/// RFC 6960, PKCS#9), and the dotted-decimal syntax check. Profile vocabulary (which names a profile may write, which
/// extensions a profile owns) stays in Policy.
/// </summary>
public static class Oids
{
    // Certificate and CRL extensions (RFC 5280 §4.2, §5.2, §5.3)
    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string KeyUsage = "2.5.29.15";
    public const string SubjectAltName = "2.5.29.17";
    public const string BasicConstraints = "2.5.29.19";
    public const string CrlNumber = "2.5.29.20";
    public const string CrlReason = "2.5.29.21";
    public const string InvalidityDate = "2.5.29.24";
    public const string NameConstraints = "2.5.29.30";
    public const string CrlDistributionPoints = "2.5.29.31";
    public const string CertificatePolicies = "2.5.29.32";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string PolicyConstraints = "2.5.29.36";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string InhibitAnyPolicy = "2.5.29.54";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";

    // Access methods (RFC 5280 §4.2.2.1) and OCSP (RFC 6960)
    public const string Ocsp = "1.3.6.1.5.5.7.48.1";
    public const string CaIssuers = "1.3.6.1.5.5.7.48.2";
    public const string OcspBasic = "1.3.6.1.5.5.7.48.1.1";
    public const string OcspNonce = "1.3.6.1.5.5.7.48.1.2";
    public const string OcspNoCheck = "1.3.6.1.5.5.7.48.1.5";

    // Extended key usages (RFC 5280 §4.2.1.12)
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string TimeStamping = "1.3.6.1.5.5.7.3.8";
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";
    public const string AnyExtendedKeyUsage = "2.5.29.37.0";

    // Distinguished-name attribute types (RFC 4519, RFC 4524); the rest by name in SubjectAttributes
    public const string CommonName = "2.5.4.3";
    public const string Country = "2.5.4.6";
    public const string DomainComponent = "0.9.2342.19200300.100.1.25";

    // PKCS#9 attributes (RFC 2985)
    public const string EmailAddress = "1.2.840.113549.1.9.1";
    public const string ChallengePassword = "1.2.840.113549.1.9.7";
    public const string ExtensionRequest = "1.2.840.113549.1.9.14";

    // CMS content types (RFC 5652)
    public const string Data = "1.2.840.113549.1.7.1";
    public const string SignedData = "1.2.840.113549.1.7.2";

    // Public key algorithms
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string RsassaPss = "1.2.840.113549.1.1.10";
    public const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>dhSinglePass-stdDH-sha256kdf-scheme (SEC 1, RFC 5753/8418): ephemeral-static ECDH with the X9.63 SHA-256 KDF.</summary>
    public const string DhSinglePassStdDhSha256Kdf = "1.3.132.1.11.1";

    /// <summary>id-aes128-wrap (RFC 3394/3565).</summary>
    public const string Aes128Wrap = "2.16.840.1.101.3.4.1.5";

    /// <summary>id-aes256-wrap (RFC 3394/3565).</summary>
    public const string Aes256Wrap = "2.16.840.1.101.3.4.1.45";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";

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

    /// <summary>Dotted-decimal OID: at least two arcs, first 0-2, second below 40 when the first is 0 or 1, no leading zeros.</summary>
    public static bool IsValid(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var arcs = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    return false;
                }

                continue;
            }

            var arc = text.AsSpan(start, i - start);
            if (arc.Length == 0 || (arc.Length > 1 && arc[0] == '0'))
            {
                return false;
            }

            if (arcs == 0 && (arc.Length != 1 || arc[0] > '2'))
            {
                return false;
            }

            if (arcs == 1 && text[0] != '2' && (arc.Length > 2 || int.Parse(arc, System.Globalization.CultureInfo.InvariantCulture) > 39))
            {
                return false;
            }

            arcs++;
            start = i + 1;
        }

        return arcs >= 2;
    }

    // CMS (RFC 5652) content types and attributes.
    public const string EnvelopedData = "1.2.840.113549.1.7.3";
    public const string ContentType = "1.2.840.113549.1.9.3";
    public const string MessageDigest = "1.2.840.113549.1.9.4";
    public const string SigningTime = "1.2.840.113549.1.9.5";

    // Key transport and content encryption (CMS envelopes: SCEP, CMP).
    public const string RsaesOaep = "1.2.840.113549.1.1.7";
    public const string DesCbc = "1.3.14.3.2.7";
    public const string DesEde3Cbc = "1.2.840.113549.3.7";
    public const string Aes128Cbc = "2.16.840.1.101.3.4.1.2";
    public const string Aes192Cbc = "2.16.840.1.101.3.4.1.22";
    public const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";
    public const string Md5 = "1.2.840.113549.2.5";

    // SCEP signed attributes (RFC 8894 §3.2.1; id-VeriSign 2.16.840.1.113733.1.9.x).
    // Microsoft user principal name (otherName type-id in subjectAltName).
    public const string UserPrincipalName = "1.3.6.1.4.1.311.20.2.3";

    public const string ScepMessageType = "2.16.840.1.113733.1.9.2";
    public const string ScepPkiStatus = "2.16.840.1.113733.1.9.3";
    public const string ScepFailInfo = "2.16.840.1.113733.1.9.4";
    public const string ScepSenderNonce = "2.16.840.1.113733.1.9.5";
    public const string ScepRecipientNonce = "2.16.840.1.113733.1.9.6";
    public const string ScepTransactionId = "2.16.840.1.113733.1.9.7";
}
