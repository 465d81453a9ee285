using System.Formats.Asn1;

namespace Gateway.Policy;

/// <summary>
/// The common names of a requested subject, read as the policy reads names: every attribute of every RDN, multi-valued
/// RDNs included (<c>CN=dev2.test+OU=x</c> names dev2.test). For checks outside policy, such as a credential's subjects.
/// </summary>
public static class SubjectNames
{
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>
    /// Adds every CN value of <paramref name="subjectDer"/> to <paramref name="commonNames"/>; false with a reason when
    /// the Name does not decode or a CN is not a character string.
    /// </summary>
    public static bool TryReadCommonNames(ReadOnlyMemory<byte> subjectDer, List<string> commonNames, out string error)
    {
        ArgumentNullException.ThrowIfNull(commonNames);
        error = string.Empty;
        try
        {
            var outer = new AsnReader(subjectDer, AsnEncodingRules.BER);
            var rdns = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf(skipSortOrderValidation: true);
                while (set.HasData)
                {
                    var atv = set.ReadSequence();
                    var oid = atv.ReadObjectIdentifier();
                    var tag = atv.PeekTag();
                    if (oid != CommonNameOid)
                    {
                        atv.ReadEncodedValue();
                    }
                    else if (tag.TagClass == TagClass.Universal && IsString((UniversalTagNumber)tag.TagValue))
                    {
                        commonNames.Add(atv.ReadCharacterString((UniversalTagNumber)tag.TagValue));
                    }
                    else
                    {
                        error = "the subject's CN is not a string";
                        return false;
                    }

                    atv.ThrowIfNotEmpty();
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            error = "the subject is not a valid DER-encoded Name";
            return false;
        }
    }

    private static bool IsString(UniversalTagNumber number) =>
        number is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
            or UniversalTagNumber.BMPString or UniversalTagNumber.T61String or UniversalTagNumber.VisibleString
            or UniversalTagNumber.NumericString or UniversalTagNumber.UniversalString;
}
