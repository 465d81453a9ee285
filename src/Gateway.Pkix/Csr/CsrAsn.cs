using System.Formats.Asn1;
using System.Text;

namespace Gateway.Pkix.Csr;

/// <summary>Small strict-reading helpers shared by the PKCS#10 parser: tag checks with readable messages.</summary>
internal static class CsrAsn
{
    public const AsnEncodingRules Rules = AsnEncodingRules.DER;

    private static readonly byte[] DerNull = [0x05, 0x00];

    private static readonly UTF32Encoding StrictUtf32BigEndian = new(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    /// <summary>Throws unless the next element exists and has <paramref name="expected"/>'s class and number.</summary>
    public static void Expect(AsnReader reader, Asn1Tag expected, string what)
    {
        if (!reader.HasData)
        {
            throw new CsrFormatException($"CSR is malformed: {what} is missing");
        }

        var actual = reader.PeekTag();
        if (!actual.HasSameClassAndValue(expected))
        {
            throw new CsrFormatException($"CSR is malformed: {what} must be {Describe(expected)}, found {Describe(actual)}");
        }
    }

    /// <summary>Throws if anything is left in <paramref name="reader"/> after <paramref name="what"/>.</summary>
    public static void ExpectEnd(AsnReader reader, string what)
    {
        if (reader.HasData)
        {
            throw new CsrFormatException($"CSR is malformed: unexpected {Describe(reader.PeekTag())} after {what}");
        }
    }

    /// <summary>Reads AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }.</summary>
    public static string ReadAlgorithmIdentifier(AsnReader reader, string what, out ReadOnlyMemory<byte>? parameters)
    {
        Expect(reader, Asn1Tag.Sequence, what);
        var sequence = reader.ReadSequence();
        Expect(sequence, Asn1Tag.ObjectIdentifier, $"{what} OID");
        var oid = sequence.ReadObjectIdentifier();
        parameters = sequence.HasData ? sequence.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        ExpectEnd(sequence, $"{what} parameters");
        return oid;
    }

    /// <summary>True when parameters are absent or an ASN.1 NULL (both are seen for RSA and hash algorithm identifiers).</summary>
    public static bool IsAbsentOrNull(ReadOnlyMemory<byte>? parameters) =>
        parameters is null || parameters.Value.Span.SequenceEqual(DerNull);

    /// <summary>Throws unless <paramref name="value"/> is exactly one well-formed DER element.</summary>
    public static void ExpectSingleElement(ReadOnlyMemory<byte> value, string what)
    {
        if (value.IsEmpty)
        {
            throw new CsrFormatException($"CSR is malformed: {what} is empty");
        }

        var reader = new AsnReader(value, Rules);
        reader.ReadEncodedValue();
        if (reader.HasData)
        {
            throw new CsrFormatException($"CSR is malformed: trailing data after {what}");
        }
    }

    /// <summary>
    /// The character string types whose contents are checked and decoded: the ones AsnReader decodes, plus UniversalString
    /// (UTF-32BE), which it does not.
    /// </summary>
    public static bool IsStringType(UniversalTagNumber number) => number is
        UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String or
        UniversalTagNumber.T61String or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString or
        UniversalTagNumber.VisibleString or UniversalTagNumber.NumericString;

    /// <summary>Reads a universal character string of type <paramref name="type"/> (one of <see cref="IsStringType"/>), strictly.</summary>
    public static string ReadString(AsnReader reader, UniversalTagNumber type, string what)
    {
        if (type != UniversalTagNumber.UniversalString)
        {
            return reader.ReadCharacterString(type);
        }

        var tag = reader.PeekTag();
        if (tag.IsConstructed)
        {
            throw new CsrFormatException($"CSR is not DER: {what} UniversalString is constructed");
        }

        var encoded = reader.ReadEncodedValue().Span;
        AsnDecoder.ReadEncodedValue(encoded, Rules, out var contentOffset, out var contentLength, out _);
        var content = encoded.Slice(contentOffset, contentLength);
        try
        {
            if (content.Length % 4 != 0)
            {
                throw new DecoderFallbackException("length is not a multiple of 4");
            }

            return StrictUtf32BigEndian.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new CsrFormatException($"CSR is malformed: {what} is not a valid UniversalString (UTF-32BE)", ex);
        }
    }

    public static string Describe(Asn1Tag tag)
    {
        return tag.TagClass switch
        {
            TagClass.Universal when Enum.IsDefined((UniversalTagNumber)tag.TagValue) => UniversalName((UniversalTagNumber)tag.TagValue),
            TagClass.Universal => $"UNIVERSAL {tag.TagValue}",
            TagClass.ContextSpecific => $"[{tag.TagValue}]",
            TagClass.Application => $"[APPLICATION {tag.TagValue}]",
            _ => $"[PRIVATE {tag.TagValue}]",
        };
    }

    private static string UniversalName(UniversalTagNumber number) => number switch
    {
        UniversalTagNumber.Sequence => "SEQUENCE",
        UniversalTagNumber.Set => "SET",
        UniversalTagNumber.Integer => "INTEGER",
        UniversalTagNumber.BitString => "BIT STRING",
        UniversalTagNumber.OctetString => "OCTET STRING",
        UniversalTagNumber.Null => "NULL",
        UniversalTagNumber.ObjectIdentifier => "OBJECT IDENTIFIER",
        UniversalTagNumber.Boolean => "BOOLEAN",
        _ => number.ToString(),
    };
}
