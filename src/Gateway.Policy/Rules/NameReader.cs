using System.Formats.Asn1;

namespace Gateway.Policy.Rules;

/// <summary>
/// Reads the attributes of an X.501 Name (DER) in encoded order, every attribute of every RDN (multi-valued RDNs
/// included). A value that is not a character string reads as <c>#</c> and its DER in hex, and its OID is added to
/// <paramref name="nonStringOids"/> when given.
/// </summary>
internal static class NameReader
{
    public static bool TryRead(ReadOnlyMemory<byte> der, List<KeyValuePair<string, string>> attributes, List<string>? nonStringOids = null)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.BER);
            var rdns = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf(skipSortOrderValidation: true);
                while (set.HasData)
                {
                    var atv = set.ReadSequence();
                    var oid = atv.ReadObjectIdentifier();
                    var value = ReadValue(atv, out var isString);
                    if (!isString) nonStringOids?.Add(oid);
                    atv.ThrowIfNotEmpty();
                    attributes.Add(new KeyValuePair<string, string>(oid, value));
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static string ReadValue(AsnReader reader, out bool isString)
    {
        isString = true;
        var tag = reader.PeekTag();
        if (tag.TagClass == TagClass.Universal)
        {
            var number = (UniversalTagNumber)tag.TagValue;
            if (number is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.BMPString or UniversalTagNumber.T61String or UniversalTagNumber.VisibleString
                or UniversalTagNumber.NumericString or UniversalTagNumber.UniversalString)
            {
                return reader.ReadCharacterString(number);
            }
        }

        isString = false;
        return "#" + Convert.ToHexString(reader.ReadEncodedValue().Span);
    }
}
