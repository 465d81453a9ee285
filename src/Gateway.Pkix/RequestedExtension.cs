namespace Gateway.Pkix;

/// <summary>One extension of a request (a CSR's extensionRequest): its OID, criticality and extnValue DER.</summary>
public sealed record RequestedExtension(string Oid, bool Critical, byte[] Value);
