using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;

namespace Gateway.Pkix.Csr;

/// <summary>Checks and describes a bare SubjectPublicKeyInfo (from CRMF or server-side key generation) with the CSR parser's rules.</summary>
public static class SpkiReader
{
    public static bool TryDescribe(ReadOnlyMemory<byte> spki, [NotNullWhen(true)] out PublicKeyDescription? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        error = null;
        try
        {
            var outer = new AsnReader(spki, CsrAsn.Rules);
            var sequence = outer.ReadSequence();
            CsrAsn.ExpectEnd(outer, "the SubjectPublicKeyInfo");
            var algorithm = CsrAsn.ReadAlgorithmIdentifier(sequence, "subjectPublicKeyInfo algorithm", out var parameters);
            if (!sequence.TryReadPrimitiveBitString(out var unusedBits, out var publicKey) || unusedBits != 0)
            {
                error = "subjectPublicKey BIT STRING must be a whole number of bytes";
                return false;
            }
            CsrAsn.ExpectEnd(sequence, "subjectPublicKey");
            key = CsrPublicKey.Describe(algorithm, parameters, publicKey);
            return true;
        }
        catch (CsrFormatException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (AsnContentException ex)
        {
            error = "SubjectPublicKeyInfo is not valid DER: " + ex.Message;
            return false;
        }
    }
}
