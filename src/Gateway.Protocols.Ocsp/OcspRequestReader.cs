using Gateway.Contracts.Revocation;
using Gateway.Pkix;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;

namespace Gateway.Protocols.Ocsp;

/// <summary>
/// Parses a DER OCSPRequest (RFC 6960 §4.1) with BouncyCastle into the one CertID it asks about. Anything else —
/// empty, truncated, trailing bytes, not an OCSPRequest, no or several requests, an unsupported or malformed hash
/// algorithm, a serial over 20 octets, an unknown critical extension, an oversized nonce — is a failure with a reason, never an exception.
/// </summary>
internal static class OcspRequestReader
{
    /// <summary>RFC 8954 asks for 1–32 octet nonces; a little slack for the OCTET STRING wrapping, nothing more.</summary>
    public const int MaxNonceExtensionLength = 64;

    /// <summary>CertID hash algorithms accepted (RFC 5019: SHA-1; RFC 6960 clients also send SHA-2) and their output lengths.</summary>
    private static readonly Dictionary<string, int> HashLengths = new(StringComparer.Ordinal)
    {
        [Oids.Sha1] = 20,
        [Oids.Sha256] = 32,
        [Oids.Sha384] = 48,
        [Oids.Sha512] = 64,
    };

    public static bool TryRead(byte[] der, out OcspCertificateRequest? request, out string error)
    {
        request = null;
        if (der.Length == 0)
        {
            error = "the request is empty";
            return false;
        }

        OcspReq parsed;
        try
        {
            // FromByteArray rejects trailing bytes; GetInstance rejects anything that is not an OCSPRequest.
            var asn1 = Asn1Object.FromByteArray(der) ?? throw new IOException("no ASN.1 object");
            parsed = new OcspReq(OcspRequest.GetInstance(asn1));
            return TryRead(parsed, out request, out error);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // BouncyCastle signals bad input with IOException, ArgumentException, InvalidCastException, Asn1 and OCSP
            // exceptions, and the odd IndexOutOfRange / NullReference on hostile lengths: all mean the same here.
            error = $"the request is not a DER OCSPRequest ({ex.GetType().Name}: {ex.Message})";
            return false;
        }
    }

    private static bool TryRead(OcspReq parsed, out OcspCertificateRequest? request, out string error)
    {
        request = null;
        var requests = parsed.GetRequestList();
        if (requests.Length != 1)
        {
            error = requests.Length == 0 ? "the request asks about no certificate" : $"the request asks about {requests.Length} certificates; one per request is supported";
            return false;
        }

        var certId = requests[0].GetCertID().ToAsn1Object();
        var hashOid = certId.HashAlgorithm.Algorithm.Id;
        if (!HashLengths.TryGetValue(hashOid, out var length))
        {
            error = $"the CertID hash algorithm {hashOid} is not supported (SHA-1, SHA-256, SHA-384, SHA-512)";
            return false;
        }

        if (certId.HashAlgorithm.Parameters is { } parameters && parameters is not DerNull)
        {
            error = "the CertID hash algorithm has parameters";
            return false;
        }

        var nameHash = certId.IssuerNameHash.GetOctets();
        var keyHash = certId.IssuerKeyHash.GetOctets();
        if (nameHash.Length != length || keyHash.Length != length)
        {
            error = $"the CertID hashes are {nameHash.Length} and {keyHash.Length} bytes, not {length}";
            return false;
        }

        var serial = certId.SerialNumber.Value.ToByteArray(); // minimal two's complement: the DER INTEGER's contents
        if (serial.Length > OcspCertificateRequest.MaxSerialNumberLength)
        {
            error = $"the serial number is {serial.Length} octets; RFC 5280 allows at most {OcspCertificateRequest.MaxSerialNumberLength}";
            return false;
        }

        byte[]? nonce = null;
        if (parsed.RequestExtensions is { } extensions)
        {
            foreach (var oid in extensions.ExtensionOids)
            {
                var extension = extensions.GetExtension(oid);
                if (oid.Equals(OcspObjectIdentifiers.PkixOcspNonce))
                {
                    nonce = extension.Value.GetOctets();
                    if (nonce.Length is 0 or > MaxNonceExtensionLength)
                    {
                        error = $"the nonce extension is {nonce.Length} bytes (1 to {MaxNonceExtensionLength} are accepted)";
                        return false;
                    }
                }
                else if (extension.IsCritical)
                {
                    error = $"the request has an unsupported critical extension {oid.Id}";
                    return false;
                }
            }
        }

        request = new OcspCertificateRequest(hashOid, nameHash, keyHash, serial, nonce);
        error = "";
        return true;
    }
}
