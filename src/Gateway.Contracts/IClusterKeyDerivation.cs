namespace Gateway.Contracts;

/// <summary>
/// Keys every node of the cluster derives alike from the cluster's one secret (the credential encryption key, the same
/// on every node), one per purpose: e.g. the HMAC key of ACME nonces, so a nonce one node issued verifies on any node.
/// </summary>
public interface IClusterKeyDerivation
{
    /// <summary>HKDF-SHA256 of the cluster secret with <paramref name="purpose"/> as info; 32 bytes.</summary>
    byte[] DeriveKey(string purpose);
}
