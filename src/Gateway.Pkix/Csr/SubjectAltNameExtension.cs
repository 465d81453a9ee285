namespace Gateway.Pkix.Csr;

/// <summary>Reads a subjectAltName extension value (of a CSR or a certificate) into the comparable form the policy uses.</summary>
public static class SubjectAltNameExtension
{
    public const string Oid = Oids.SubjectAltName;

    /// <summary>Every name of a DER GeneralNames; throws <see cref="CsrFormatException"/> when malformed.</summary>
    public static IReadOnlyList<SubjectAltNameEntry> Read(ReadOnlyMemory<byte> extensionValue) => CsrNames.ReadSubjectAltNames(extensionValue);
}
