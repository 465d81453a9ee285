namespace Gateway.Store.Events;

/// <summary>
/// A request made of a public key and the wanted contents instead of a CSR (CMP CRMF, server-side key generation), as
/// recorded in <see cref="EnrollmentRequested"/>, so a pending one can be approved later as a CSR can.
/// </summary>
public sealed record RequestedTemplateData(
    byte[] SubjectPublicKeyInfo,
    byte[]? Subject,
    RequestedNameData[] SubjectAltNames,
    RequestedExtensionData[] Extensions);

/// <summary>A subjectAltName of a template: the type's name (as the contracts' enum spells it) and the value.</summary>
public sealed record RequestedNameData(string Type, string Value);

/// <summary>An extension of a template: OID, criticality, DER value.</summary>
public sealed record RequestedExtensionData(string Oid, bool Critical, byte[] Value);
