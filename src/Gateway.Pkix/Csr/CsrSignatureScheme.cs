using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gateway.Pkix.Csr;

/// <summary>The kinds of CSR signature the parser recognises.</summary>
internal enum CsrSignatureKind
{
    /// <summary>Unknown, refused (SHA-1, MD5, SHA-224) or with parameters the BCL cannot check.</summary>
    Unsupported = 0,
    Ecdsa = 1,
    RsaPkcs1 = 2,
    RsaPss = 3,
    /// <summary>Recognised, but the .NET 10 BCL has no Ed25519: never verified.</summary>
    Ed25519 = 4,
}

/// <summary>A CSR's signature algorithm reduced to what <see cref="Pkcs10Request.VerifySignature"/> needs.</summary>
internal readonly record struct CsrSignatureScheme(CsrSignatureKind Kind, HashAlgorithmName Hash)
{
    public static readonly CsrSignatureScheme Unsupported = new(CsrSignatureKind.Unsupported, default);

    /// <summary>True when System.Security.Cryptography can check signatures of this scheme.</summary>
    public bool IsVerifiable => Kind is CsrSignatureKind.Ecdsa or CsrSignatureKind.RsaPkcs1 or CsrSignatureKind.RsaPss;

    /// <summary>
    /// Maps a signatureAlgorithm to a scheme. Parameters that are forbidden for the algorithm or malformed throw
    /// <see cref="CsrFormatException"/>; well-formed but unsupported choices (SHA-1, other salt lengths) give <see cref="Unsupported"/>.
    /// </summary>
    public static CsrSignatureScheme From(string oid, ReadOnlyMemory<byte>? parameters)
    {
        switch (oid)
        {
            case Oids.EcdsaWithSha256:
            case Oids.EcdsaWithSha384:
            case Oids.EcdsaWithSha512:
                if (parameters is not null)
                {
                    throw new CsrFormatException($"CSR signature algorithm {oid} (ECDSA) must not have parameters");
                }

                return new(CsrSignatureKind.Ecdsa, HashFor(oid));

            case Oids.Sha256WithRsa:
            case Oids.Sha384WithRsa:
            case Oids.Sha512WithRsa:
                if (!CsrAsn.IsAbsentOrNull(parameters))
                {
                    throw new CsrFormatException($"CSR signature algorithm {oid} (RSA PKCS#1 v1.5) parameters must be NULL");
                }

                return new(CsrSignatureKind.RsaPkcs1, HashFor(oid));

            case Oids.RsassaPss:
                if (parameters is null)
                {
                    throw new CsrFormatException("CSR signature algorithm RSASSA-PSS must have parameters");
                }

                return ReadPssParameters(parameters.Value, "signatureAlgorithm RSASSA-PSS parameters");

            case Oids.Ed25519:
                if (parameters is not null)
                {
                    throw new CsrFormatException("CSR signature algorithm Ed25519 must not have parameters");
                }

                return new(CsrSignatureKind.Ed25519, default);

            default:
                // MD5, SHA-1 and SHA-224 based algorithms, DSA, Ed448, GOST, anything unknown: parsed, never verified.
                return Unsupported;
        }
    }

    /// <summary>
    /// Reads RSASSA-PSS-params (RFC 4055): hashAlgorithm [0] DEFAULT sha1, maskGenAlgorithm [1] DEFAULT mgf1SHA1,
    /// saltLength [2] DEFAULT 20, trailerField [3] DEFAULT 1. The BCL verifies MGF1 with the message hash and a salt as long
    /// as the hash, so anything else is <see cref="Unsupported"/>.
    /// </summary>
    public static CsrSignatureScheme ReadPssParameters(ReadOnlyMemory<byte> parameters, string what)
    {
        var outer = new AsnReader(parameters, CsrAsn.Rules);
        CsrAsn.Expect(outer, Asn1Tag.Sequence, what);
        var sequence = outer.ReadSequence();
        CsrAsn.ExpectEnd(outer, what);

        var hashOid = Oids.Sha1;
        var mgfOid = Oids.Mgf1;
        var mgfHashOid = Oids.Sha1;
        var saltLength = 20;
        var trailerField = 1;

        if (TryEnter(sequence, 0, out var hashField))
        {
            hashOid = ReadHashAlgorithm(hashField, $"{what} hashAlgorithm");
            CsrAsn.ExpectEnd(hashField, $"{what} hashAlgorithm");
        }

        if (TryEnter(sequence, 1, out var mgfField))
        {
            mgfOid = CsrAsn.ReadAlgorithmIdentifier(mgfField, $"{what} maskGenAlgorithm", out var mgfParameters);
            CsrAsn.ExpectEnd(mgfField, $"{what} maskGenAlgorithm");
            if (mgfOid == Oids.Mgf1)
            {
                if (mgfParameters is null)
                {
                    throw new CsrFormatException($"CSR is malformed: {what} MGF1 must name its hash algorithm");
                }

                var mgfReader = new AsnReader(mgfParameters.Value, CsrAsn.Rules);
                mgfHashOid = ReadHashAlgorithm(mgfReader, $"{what} MGF1 hash");
                CsrAsn.ExpectEnd(mgfReader, $"{what} MGF1 hash");
            }
        }

        if (TryEnter(sequence, 2, out var saltField))
        {
            CsrAsn.Expect(saltField, Asn1Tag.Integer, $"{what} saltLength");
            if (!saltField.TryReadInt32(out saltLength) || saltLength < 0)
            {
                throw new CsrFormatException($"CSR is malformed: {what} saltLength is out of range");
            }

            CsrAsn.ExpectEnd(saltField, $"{what} saltLength");
        }

        if (TryEnter(sequence, 3, out var trailerReader))
        {
            CsrAsn.Expect(trailerReader, Asn1Tag.Integer, $"{what} trailerField");
            if (!trailerReader.TryReadInt32(out trailerField))
            {
                trailerField = -1;
            }

            CsrAsn.ExpectEnd(trailerReader, $"{what} trailerField");
        }

        CsrAsn.ExpectEnd(sequence, what);

        var (hash, hashLength) = hashOid switch
        {
            Oids.Sha256 => (HashAlgorithmName.SHA256, 32),
            Oids.Sha384 => (HashAlgorithmName.SHA384, 48),
            Oids.Sha512 => (HashAlgorithmName.SHA512, 64),
            _ => (default(HashAlgorithmName), 0),
        };

        if (hashLength == 0 || mgfOid != Oids.Mgf1 || mgfHashOid != hashOid || saltLength != hashLength || trailerField != 1)
        {
            return Unsupported;
        }

        return new(CsrSignatureKind.RsaPss, hash);
    }

    private static bool TryEnter(AsnReader sequence, int tagNumber, [NotNullWhen(true)] out AsnReader? field)
    {
        var tag = new Asn1Tag(TagClass.ContextSpecific, tagNumber, isConstructed: true);
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(tag))
        {
            field = sequence.ReadSequence(tag);
            return true;
        }

        field = null;
        return false;
    }

    private static string ReadHashAlgorithm(AsnReader reader, string what)
    {
        var oid = CsrAsn.ReadAlgorithmIdentifier(reader, what, out var parameters);
        if (!CsrAsn.IsAbsentOrNull(parameters))
        {
            throw new CsrFormatException($"CSR is malformed: {what} parameters must be NULL or absent");
        }

        return oid;
    }

    private static HashAlgorithmName HashFor(string signatureOid) => signatureOid switch
    {
        Oids.EcdsaWithSha256 or Oids.Sha256WithRsa => HashAlgorithmName.SHA256,
        Oids.EcdsaWithSha384 or Oids.Sha384WithRsa => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
