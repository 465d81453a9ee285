namespace Gateway.Protocols.Ocsp;

/// <summary>RFC 6960 Appendix C and RFC 5280 / RFC 2585 media types.</summary>
internal static class OcspMediaTypes
{
    public const string Request = "application/ocsp-request";
    public const string Response = "application/ocsp-response";
    public const string Crl = "application/pkix-crl";
    public const string Pem = "application/x-pem-file";
}
