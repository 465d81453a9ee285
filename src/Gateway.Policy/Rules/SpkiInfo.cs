using System.Formats.Asn1;
using Gateway.Pkix;
using Gateway.Policy.Names;

namespace Gateway.Policy.Rules;

/// <summary>What policy needs from a SubjectPublicKeyInfo, read from its DER (the key itself is the authority, not the front-end's description).</summary>
internal readonly record struct SpkiInfo(string AlgorithmOid, string? CurveOid, int RsaModulusBits, bool RsaExponentOdd, bool RsaExponentAtLeast65537)
{
    public bool IsRsa => AlgorithmOid is Oids.RsaEncryption or Oids.RsassaPss;

    public bool IsEc => AlgorithmOid == Oids.EcPublicKey;

    public bool IsEd25519 => AlgorithmOid == Oids.Ed25519;

    public static bool TryRead(byte[] spki, out SpkiInfo info)
    {
        info = default;
        try
        {
            var outer = new AsnReader(spki, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var algorithm = sequence.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            string? curve = null;
            if (oid == Oids.EcPublicKey && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                curve = algorithm.ReadObjectIdentifier();
            }

            if (!sequence.TryReadPrimitiveBitString(out _, out var key))
            {
                return false;
            }

            sequence.ThrowIfNotEmpty();
            if (oid is not (Oids.RsaEncryption or Oids.RsassaPss))
            {
                info = new SpkiInfo(oid, curve, 0, false, false);
                return true;
            }

            var rsa = new AsnReader(key, AsnEncodingRules.DER).ReadSequence();
            var modulus = Unsigned(rsa.ReadIntegerBytes().Span);
            var exponent = Unsigned(rsa.ReadIntegerBytes().Span);
            rsa.ThrowIfNotEmpty();
            if (modulus.Length == 0 || exponent.Length == 0)
            {
                return false;
            }

            var bits = ((modulus.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]));
            var odd = (exponent[^1] & 1) == 1;
            var big = exponent.Length > 3 || (exponent.Length == 3 && ((exponent[0] << 16) | (exponent[1] << 8) | exponent[2]) >= 65537);
            info = new SpkiInfo(oid, null, bits, odd, big);
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static ReadOnlySpan<byte> Unsigned(ReadOnlySpan<byte> integer)
    {
        if (integer.Length > 0 && (integer[0] & 0x80) != 0)
        {
            return []; // negative: not a valid modulus or exponent
        }

        while (integer.Length > 0 && integer[0] == 0)
        {
            integer = integer[1..];
        }

        return integer;
    }
}
