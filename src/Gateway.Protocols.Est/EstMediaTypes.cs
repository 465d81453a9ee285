namespace Gateway.Protocols.Est;

internal static class EstMediaTypes
{
    public const string Pkcs10 = "application/pkcs10";
    public const string CertsOnly = "application/pkcs7-mime; smime-type=certs-only";
    public const string CsrAttrs = "application/csrattrs";
    public const string Pkcs8 = "application/pkcs8";
}
