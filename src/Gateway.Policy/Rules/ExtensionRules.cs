using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Policy.Names;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>extensions</c> section.</summary>
internal sealed class ExtensionRules
{
    private const X509KeyUsageFlags EnciphermentBits = X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment;
    private const X509KeyUsageFlags AgreementBits = X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.EncipherOnly | X509KeyUsageFlags.DecipherOnly;
    private const X509KeyUsageFlags SignatureBits = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation;

    public X509KeyUsageFlags KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;

    public string[] ExtendedKeyUsages { get; init; } = [];

    public string[] CertificatePolicies { get; init; } = [];

    public RequestedExtensionMode Requested { get; init; } = RequestedExtensionMode.Ignore;

    public IReadOnlySet<string> CopyAllowed { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public static ExtensionRules Default { get; } = new();

    /// <summary>The profile's key usage, less the bits the key cannot serve (no encipherment for EC/Ed25519, no agreement for RSA/Ed25519).</summary>
    public int KeyUsageFor(SpkiInfo key, RuleRecorder rules)
    {
        var (unusable, kind) = key.IsEc ? (EnciphermentBits, "an EC")
            : key.IsRsa ? (AgreementBits, "an RSA")
            : key.IsEd25519 ? (~SignatureBits, "an Ed25519")
            : (default(X509KeyUsageFlags), string.Empty);
        var dropped = KeyUsage & unusable;
        var usage = KeyUsage & ~unusable;
        if (KeyUsage != 0 && usage == 0)
        {
            // Without a usable bit the certificate would carry no KeyUsage at all: unrestricted use, the opposite of the profile's intent.
            rules.Deny("extensions.keyUsage", $"None of the profile's key usages ({KeyUsageNames.Describe(KeyUsage)}) is usable with {kind} key", RejectionReason.BadKey);
            return 0;
        }

        if (dropped != 0)
        {
            rules.Allow("extensions.keyUsage", $"Key usage {KeyUsageNames.Describe(usage)}; {KeyUsageNames.Describe(dropped)} omitted: not usable with {kind} key");
        }

        return (int)usage;
    }

    /// <summary>Applies <c>requested</c>/<c>copyAllowed</c>; returns the extensions to copy.</summary>
    public IReadOnlyList<ExtensionData> EvaluateRequested(IReadOnlyList<ExtensionData> requested, RuleRecorder rules)
    {
        List<ExtensionData>? copied = null;
        for (var i = 0; i < requested.Count; i++)
        {
            var extension = requested[i];
            if (ProfileOwnedExtensions.IsProfileOwned(extension.Oid))
            {
                continue;
            }

            switch (Requested)
            {
                case RequestedExtensionMode.Refuse:
                    rules.Deny("extensions.requested", $"Requested extension {extension.Oid} is not allowed (requested: refuse)", RejectionReason.PolicyDenied);
                    break;
                case RequestedExtensionMode.Copy when CopyAllowed.Contains(extension.Oid):
                    copied ??= [];
                    if (copied.Exists(e => e.Oid == extension.Oid))
                    {
                        rules.Allow("extensions.copyAllowed", $"Requested extension {extension.Oid} appears twice; the first is copied");
                    }
                    else
                    {
                        copied.Add(extension);
                        rules.Allow("extensions.copyAllowed", $"Requested extension {extension.Oid} copied");
                    }

                    break;
                case RequestedExtensionMode.Copy:
                    rules.Allow("extensions.requested", $"Requested extension {extension.Oid} left out: not in copyAllowed");
                    break;
                default:
                    rules.Allow("extensions.requested", $"Requested extension {extension.Oid} left out (requested: ignore)");
                    break;
            }
        }

        return copied is null ? [] : copied;
    }
}
