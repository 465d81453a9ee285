namespace Gateway.Ca;

/// <summary>
/// Supplies the base URL for CRL distribution points and AIA when <c>Gateway:PublicBaseUrl</c> is not configured
/// (the host's first <c>http://</c> listening address). Null while unknown: certificates are then issued without them.
/// </summary>
public interface IPublicBaseUrlSource
{
    string? GetPublicBaseUrl();
}
