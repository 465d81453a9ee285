using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Pkix.Csr;

/// <summary>Reads X.501 Names and subjectAltName GeneralNames strictly.</summary>
internal static class CsrNames
{
    /// <summary>
    /// Reads a Name (SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }), returning its DER and,
    /// through <paramref name="text"/>, its text form.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadName(AsnReader reader, string what, out string text)
    {
        CsrAsn.Expect(reader, Asn1Tag.Sequence, what);
        var encoded = reader.PeekEncodedValue();
        var rdns = reader.ReadSequence();
        while (rdns.HasData)
        {
            CsrAsn.Expect(rdns, Asn1Tag.SetOf, $"{what} relative distinguished name");
            var set = rdns.ReadSetOf();
            if (!set.HasData)
            {
                throw new CsrFormatException($"CSR is malformed: {what} has an empty relative distinguished name");
            }

            while (set.HasData)
            {
                CsrAsn.Expect(set, Asn1Tag.Sequence, $"{what} attribute");
                var attribute = set.ReadSequence();
                CsrAsn.Expect(attribute, Asn1Tag.ObjectIdentifier, $"{what} attribute type");
                var type = attribute.ReadObjectIdentifier();
                if (!attribute.HasData)
                {
                    throw new CsrFormatException($"CSR is malformed: {what} attribute {type} has no value");
                }

                // String values are decoded here so that a bad one is an error, not silently blank text.
                var valueTag = attribute.PeekTag();
                if (valueTag.TagClass == TagClass.Universal && CsrAsn.IsStringType((UniversalTagNumber)valueTag.TagValue))
                {
                    CsrAsn.ReadString(attribute, (UniversalTagNumber)valueTag.TagValue, $"{what} attribute {type} value");
                }
                else
                {
                    attribute.ReadEncodedValue();
                }

                CsrAsn.ExpectEnd(attribute, $"{what} attribute {type} value");
            }
        }

        try
        {
            text = new X500DistinguishedName(encoded.Span).Name;
        }
        catch (CryptographicException ex)
        {
            throw new CsrFormatException($"CSR is malformed: {what} cannot be decoded: {ex.Message}", ex);
        }

        // X500DistinguishedName answers "" for a name it cannot decode; never let a non-empty name pass as an empty one.
        if (text.Length == 0 && encoded.Length > 2)
        {
            throw new CsrFormatException($"CSR is malformed: {what} cannot be decoded as text");
        }

        return encoded;
    }

    /// <summary>Reads the extnValue of a subjectAltName extension: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName.</summary>
    public static SubjectAltNameEntry[] ReadSubjectAltNames(ReadOnlyMemory<byte> extensionValue)
    {
        const string What = "subjectAltName";
        var outer = new AsnReader(extensionValue, CsrAsn.Rules);
        CsrAsn.Expect(outer, Asn1Tag.Sequence, What);
        var names = outer.ReadSequence();
        CsrAsn.ExpectEnd(outer, What);
        if (!names.HasData)
        {
            throw new CsrFormatException("CSR is malformed: subjectAltName must contain at least one name");
        }

        var result = new List<SubjectAltNameEntry>();
        while (names.HasData)
        {
            result.Add(ReadGeneralName(names));
        }

        return [.. result];
    }

    private static SubjectAltNameEntry ReadGeneralName(AsnReader names)
    {
        var tag = names.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
        {
            throw new CsrFormatException($"CSR is malformed: subjectAltName entry {CsrAsn.Describe(tag)} is not a GeneralName");
        }

        switch (tag.TagValue)
        {
            case 0:
                return ReadOtherName(names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)));

            case 1:
                return new SubjectAltNameEntry(SubjectAltNameKind.Email, ReadIa5(names, 1, "rfc822Name"));

            case 2:
                return new SubjectAltNameEntry(SubjectAltNameKind.Dns, ReadIa5(names, 2, "dNSName").ToLowerInvariant());

            case 3:
                return Other("x400Address", ReadConstructed(names, 3, "x400Address"));

            case 4:
            {
                var explicitName = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true));
                CsrNames.ReadName(explicitName, "subjectAltName directoryName", out var text);
                CsrAsn.ExpectEnd(explicitName, "subjectAltName directoryName");
                return new SubjectAltNameEntry(SubjectAltNameKind.Other, $"directoryName:{text}");
            }

            case 5:
                return Other("ediPartyName", ReadConstructed(names, 5, "ediPartyName"));

            case 6:
                return new SubjectAltNameEntry(SubjectAltNameKind.Uri, ReadIa5(names, 6, "uniformResourceIdentifier"));

            case 7:
            {
                var address = names.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 7));
                if (address.Length is not (4 or 16))
                {
                    throw new CsrFormatException($"CSR is malformed: subjectAltName iPAddress must be 4 or 16 bytes, found {address.Length}");
                }

                return new SubjectAltNameEntry(SubjectAltNameKind.Ip, new IPAddress(address).ToString());
            }

            case 8:
                return new SubjectAltNameEntry(
                    SubjectAltNameKind.Other,
                    $"registeredID:{names.ReadObjectIdentifier(new Asn1Tag(TagClass.ContextSpecific, 8))}");

            default:
                throw new CsrFormatException($"CSR is malformed: subjectAltName entry {CsrAsn.Describe(tag)} is not a GeneralName");
        }
    }

    // OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
    private static SubjectAltNameEntry ReadOtherName(AsnReader otherName)
    {
        CsrAsn.Expect(otherName, Asn1Tag.ObjectIdentifier, "subjectAltName otherName type-id");
        var typeId = otherName.ReadObjectIdentifier();
        var explicitTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        CsrAsn.Expect(otherName, explicitTag, "subjectAltName otherName value");
        var wrapper = otherName.ReadSequence(explicitTag);
        CsrAsn.ExpectEnd(otherName, "subjectAltName otherName value");
        if (!wrapper.HasData)
        {
            throw new CsrFormatException("CSR is malformed: subjectAltName otherName value is missing");
        }

        var valueTag = wrapper.PeekTag();
        string value;
        if (valueTag.TagClass == TagClass.Universal && CsrAsn.IsStringType((UniversalTagNumber)valueTag.TagValue))
        {
            value = CsrAsn.ReadString(wrapper, (UniversalTagNumber)valueTag.TagValue, "subjectAltName otherName value");
        }
        else
        {
            value = "#" + Convert.ToHexStringLower(wrapper.ReadEncodedValue().Span);
        }

        CsrAsn.ExpectEnd(wrapper, "subjectAltName otherName value");
        if (typeId == Oids.UserPrincipalName && valueTag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UTF8String)) && value.Length > 0)
        {
            return new SubjectAltNameEntry(SubjectAltNameKind.Upn, value);
        }

        return new SubjectAltNameEntry(SubjectAltNameKind.Other, $"otherName:{typeId}:{value}");
    }

    private static string ReadIa5(AsnReader names, int tagNumber, string what)
    {
        var value = names.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, tagNumber));
        if (value.Length == 0)
        {
            throw new CsrFormatException($"CSR is malformed: subjectAltName {what} is empty");
        }

        return value;
    }

    private static ReadOnlyMemory<byte> ReadConstructed(AsnReader names, int tagNumber, string what)
    {
        if (!names.PeekTag().IsConstructed)
        {
            throw new CsrFormatException($"CSR is malformed: subjectAltName {what} must be constructed");
        }

        // Validate the contents are well-formed elements; keep the whole TLV for the text form.
        var encoded = names.PeekEncodedValue();
        var inner = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, tagNumber, isConstructed: true));
        while (inner.HasData)
        {
            inner.ReadEncodedValue();
        }

        return encoded;
    }

    private static SubjectAltNameEntry Other(string kind, ReadOnlyMemory<byte> encoded) =>
        new(SubjectAltNameKind.Other, $"{kind}:#{Convert.ToHexStringLower(encoded.Span)}");
}
