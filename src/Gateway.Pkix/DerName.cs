using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;

namespace Gateway.Pkix;

/// <summary>Structural checks of a DER X.501 Name (RFC 5280 §4.1.2.4) received as bytes: a template's subject, an issuer.</summary>
public static class DerName
{
    /// <summary>The DER of the empty Name (no RDNs).</summary>
    public static ReadOnlySpan<byte> Empty => [0x30, 0x00];

    /// <summary>
    /// Whether <paramref name="name"/> is exactly one DER Name ::= SEQUENCE OF RelativeDistinguishedName, each a non-empty
    /// SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY } with nothing more; <paramref name="isEmpty"/> tells a Name
    /// without RDNs. <paramref name="error"/> completes "The name …" ("has trailing data").
    /// </summary>
    public static bool TryCheck(ReadOnlySpan<byte> name, out bool isEmpty, [NotNullWhen(false)] out string? error)
    {
        isEmpty = false;
        error = null;
        try
        {
            AsnDecoder.ReadSequence(name, AsnEncodingRules.DER, out var offset, out var length, out var consumed);
            if (consumed != name.Length)
            {
                error = "has trailing data";
                return false;
            }

            var rdns = name.Slice(offset, length);
            isEmpty = rdns.IsEmpty;
            while (!rdns.IsEmpty)
            {
                AsnDecoder.ReadSetOf(rdns, AsnEncodingRules.DER, out offset, out length, out consumed);
                var attributes = rdns.Slice(offset, length);
                rdns = rdns[consumed..];
                if (attributes.IsEmpty)
                {
                    error = "has an empty relative distinguished name";
                    return false;
                }

                while (!attributes.IsEmpty)
                {
                    AsnDecoder.ReadSequence(attributes, AsnEncodingRules.DER, out offset, out length, out consumed);
                    var attribute = attributes.Slice(offset, length);
                    attributes = attributes[consumed..];
                    if (attribute.IsEmpty || Asn1Tag.Decode(attribute, out _) != Asn1Tag.ObjectIdentifier)
                    {
                        error = "has an attribute that does not start with an OID";
                        return false;
                    }

                    AsnDecoder.ReadObjectIdentifier(attribute, AsnEncodingRules.DER, out var oidLength);
                    if (oidLength == attribute.Length)
                    {
                        error = "has an attribute without a value";
                        return false;
                    }

                    AsnDecoder.ReadEncodedValue(attribute[oidLength..], AsnEncodingRules.DER, out _, out _, out var valueLength);
                    if (oidLength + valueLength != attribute.Length)
                    {
                        error = "has an attribute with more than a type and a value";
                        return false;
                    }
                }
            }

            return true;
        }
        catch (AsnContentException ex)
        {
            error = "is not valid DER: " + ex.Message;
            return false;
        }
    }
}
