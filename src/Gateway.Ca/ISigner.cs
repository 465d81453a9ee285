namespace Gateway.Ca;

/// <summary>
/// The one signing abstraction of the CA: a software key today (<see cref="EcdsaSigner"/>, <see cref="RsaSigner"/>),
/// an HSM or PKCS#11 token later. Implementations must be thread-safe.
/// </summary>
public interface ISigner
{
    /// <summary>DER of the X.509 AlgorithmIdentifier of the signatures this signer makes (e.g. ecdsa-with-SHA256).</summary>
    byte[] SignatureAlgorithmIdentifier { get; }

    /// <summary>Signs <paramref name="data"/>; returns the signature in X.509 form (DER ECDSA-Sig-Value for EC keys).</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>DER SubjectPublicKeyInfo of the signing key.</summary>
    byte[] SubjectPublicKeyInfo { get; }
}
