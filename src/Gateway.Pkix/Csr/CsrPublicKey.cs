using System.Formats.Asn1;
using System.Numerics;

namespace Gateway.Pkix.Csr;

/// <summary>Describes (and structurally checks) the subjectPublicKey of a SubjectPublicKeyInfo.</summary>
internal static class CsrPublicKey
{
    /// <summary>
    /// Returns the key's description. <paramref name="publicKey"/> is the subjectPublicKey BIT STRING's content: the
    /// RSAPublicKey DER for RSA keys (rsaEncryption or id-RSASSA-PSS), the uncompressed point for EC keys.
    /// </summary>
    public static PublicKeyDescription Describe(
        string algorithm,
        ReadOnlyMemory<byte>? parameters,
        ReadOnlyMemory<byte> publicKey)
    {
        switch (algorithm)
        {
            case Oids.RsaEncryption:
                if (!CsrAsn.IsAbsentOrNull(parameters))
                {
                    throw new CsrFormatException("CSR public key: rsaEncryption parameters must be NULL");
                }

                return new PublicKeyDescription(PublicKeyDescription.Rsa, RsaModulusBits(publicKey), null);

            case Oids.RsassaPss:
                if (parameters is not null)
                {
                    // Restrictions on how the key may sign; checked for shape only.
                    CsrSignatureScheme.ReadPssParameters(parameters.Value, "subjectPublicKeyInfo RSASSA-PSS parameters");
                }

                return new PublicKeyDescription(PublicKeyDescription.Rsa, RsaModulusBits(publicKey), null);

            case Oids.EcPublicKey:
                return DescribeEc(parameters, publicKey.Span);

            case Oids.Ed25519:
                if (parameters is not null)
                {
                    throw new CsrFormatException("CSR public key: Ed25519 must not have parameters");
                }

                if (publicKey.Length != 32)
                {
                    throw new CsrFormatException($"CSR public key: an Ed25519 key is 32 bytes, found {publicKey.Length}");
                }

                return new PublicKeyDescription(PublicKeyDescription.Ed25519, 256, null);

            default:
                return new PublicKeyDescription(algorithm, 0, null);
        }
    }

    private static int RsaModulusBits(ReadOnlyMemory<byte> publicKey)
    {
        var outer = new AsnReader(publicKey, CsrAsn.Rules);
        CsrAsn.Expect(outer, Asn1Tag.Sequence, "RSA public key");
        var sequence = outer.ReadSequence();
        CsrAsn.ExpectEnd(outer, "the RSA public key");

        CsrAsn.Expect(sequence, Asn1Tag.Integer, "RSA modulus");
        var modulus = sequence.ReadIntegerBytes().Span;
        CsrAsn.Expect(sequence, Asn1Tag.Integer, "RSA public exponent");
        var exponent = sequence.ReadIntegerBytes().Span;
        CsrAsn.ExpectEnd(sequence, "the RSA public exponent");

        // DER integers are minimal two's complement: a leading 0x00 only ever marks a positive number.
        if (modulus[0] >= 0x80)
        {
            throw new CsrFormatException("CSR public key: RSA modulus is negative");
        }

        if (modulus[0] == 0)
        {
            modulus = modulus[1..];
        }

        if (modulus.IsEmpty)
        {
            throw new CsrFormatException("CSR public key: RSA modulus is zero");
        }

        if (exponent[0] >= 0x80 || (exponent[^1] & 1) == 0 || (exponent.Length == 1 && exponent[0] < 3))
        {
            throw new CsrFormatException("CSR public key: RSA public exponent must be odd and at least 3");
        }

        return ((modulus.Length - 1) * 8) + (32 - BitOperations.LeadingZeroCount((uint)modulus[0]));
    }

    private static PublicKeyDescription DescribeEc(ReadOnlyMemory<byte>? parameters, ReadOnlySpan<byte> point)
    {
        if (parameters is null)
        {
            throw new CsrFormatException("CSR public key: EC key must name its curve (parameters are missing)");
        }

        var reader = new AsnReader(parameters.Value, CsrAsn.Rules);
        var tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
        {
            throw new CsrFormatException("CSR public key: EC key uses explicit curve parameters; a named curve is required");
        }

        if (tag.HasSameClassAndValue(Asn1Tag.Null))
        {
            throw new CsrFormatException("CSR public key: EC key uses implicitlyCA parameters; a named curve is required");
        }

        CsrAsn.Expect(reader, Asn1Tag.ObjectIdentifier, "EC named curve");
        var curveOid = reader.ReadObjectIdentifier();
        CsrAsn.ExpectEnd(reader, "the EC named curve");

        var (curve, fieldBytes, sizeBits) = curveOid switch
        {
            Oids.Secp256r1 => (NamedCurves.P256, 32, 256),
            Oids.Secp384r1 => (NamedCurves.P384, 48, 384),
            Oids.Secp521r1 => (NamedCurves.P521, 66, 521),
            _ => (curveOid, 0, 0),
        };

        if (point.IsEmpty)
        {
            throw new CsrFormatException("CSR public key: EC point is empty");
        }

        if (point[0] is 0x02 or 0x03)
        {
            throw new CsrFormatException("CSR public key: EC point is compressed; only uncompressed points (0x04) are supported");
        }

        if (point[0] != 0x04)
        {
            throw new CsrFormatException($"CSR public key: EC point must start with 0x04 (uncompressed), found 0x{point[0]:x2}");
        }

        if (fieldBytes != 0)
        {
            if (point.Length != 1 + (2 * fieldBytes))
            {
                throw new CsrFormatException($"CSR public key: an uncompressed {curve} point is {1 + (2 * fieldBytes)} bytes, found {point.Length}");
            }
        }
        else
        {
            if (point.Length < 3 || (point.Length - 1) % 2 != 0)
            {
                throw new CsrFormatException($"CSR public key: EC point of {point.Length} bytes is not 0x04 followed by two equal-length coordinates");
            }

            sizeBits = (point.Length - 1) / 2 * 8;
        }

        return new PublicKeyDescription(PublicKeyDescription.Ec, sizeBits, curve);
    }
}
