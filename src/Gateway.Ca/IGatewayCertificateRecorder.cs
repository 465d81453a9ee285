namespace Gateway.Ca;

/// <summary>
/// Records a certificate the CA signed for the gateway itself (its HTTPS server, its silos, its OCSP responders, its
/// protocol identities) in the store, like any issued certificate, so it can be listed, checked over OCSP and revoked
/// (architecture rule 5). Implemented where the store is reachable (Grains); Ca only knows this seam.
/// </summary>
public interface IGatewayCertificateRecorder
{
    /// <summary>Records <paramref name="certificate"/> under <paramref name="role"/> (e.g. <c>tls-server</c>); returns once it is committed, throws when it cannot be.</summary>
    void Record(IssuedCertificate certificate, string role, string issuerId);
}
