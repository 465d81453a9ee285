using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>
/// The hot path: writes a TBSCertificate with <see cref="AsnWriter"/>, signs it through the issuer's
/// <see cref="ISigner"/> and assembles the Certificate. No CertificateRequest, no BouncyCastle.
/// </summary>
internal static class CertificateEncoder
{
    private const int KnownKeyUsageBits = 0x80FF; // X509KeyUsageFlags: bits 0–7 in the low byte, decipherOnly = 0x8000.

    private static readonly Asn1Tag ExplicitVersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExplicitExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag Rfc822NameTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag OtherNameTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExplicitZeroTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag IpAddressTag = new(TagClass.ContextSpecific, 7);

    /// <summary>basicConstraints, critical, cA FALSE (DEFAULT, so an empty SEQUENCE).</summary>
    private static readonly byte[] EndEntityBasicConstraints = EncodeEndEntityBasicConstraints();

    /// <param name="now">The time of issue (the CA's clock), the serial's time prefix (<see cref="TimeOrderedIds"/>).</param>
    /// <param name="statusExtensions">The issuer's cRLDistributionPoints and authorityInfoAccess, or null to write none.</param>
    public static IssuedCertificate Encode(IssuingCa issuer, CertificateTemplate template, DateTimeOffset now, StatusExtensions? statusExtensions = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(template);

        byte[] spki = template.SubjectPublicKeyInfo
            ?? throw new ArgumentException("The template has no SubjectPublicKeyInfo.", nameof(template));
        byte[] subjectKeyIdentifier = ValidateSpkiAndComputeKeyIdentifier(spki);
        if (spki.AsSpan().SequenceEqual(issuer.SubjectPublicKeyInfo))
        {
            throw new ArgumentException("The template's public key is the issuing CA's own key.", nameof(template));
        }

        byte[] subject = template.Subject ?? throw new ArgumentException("The template has no Subject.", nameof(template));
        bool subjectIsEmpty = ValidateName(subject);

        IReadOnlyList<SubjectAltName> subjectAltNames = template.SubjectAltNames ?? [];
        IReadOnlyList<string> extendedKeyUsages = template.ExtendedKeyUsages ?? [];
        IReadOnlyList<string> policies = template.CertificatePolicies ?? [];
        IReadOnlyList<ExtensionData> additional = template.AdditionalExtensions ?? [];

        if (subjectIsEmpty && subjectAltNames.Count == 0)
        {
            throw new ArgumentException("The template has neither a subject nor a subjectAltName (RFC 5280 §4.1.2.6).", nameof(template));
        }

        if ((template.KeyUsage & ~KnownKeyUsageBits) != 0)
        {
            throw new ArgumentException($"KeyUsage 0x{template.KeyUsage:x} has bits that are not X509KeyUsageFlags.", nameof(template));
        }

        DateTimeOffset notBefore = TruncateToSeconds(Max(template.NotBefore, issuer.NotBefore));
        DateTimeOffset notAfter = TruncateToSeconds(Min(template.NotAfter, issuer.NotAfter));
        if (notBefore > notAfter)
        {
            throw new ArgumentException(
                $"The template's validity {template.NotBefore:O}–{template.NotAfter:O} does not overlap the issuer's " +
                $"{issuer.NotBefore:O}–{issuer.NotAfter:O}.", nameof(template));
        }

        // 48 bits of milliseconds, then 80 random bits (TimeOrderedIds): serials made one after the other sort together in
        // the store's indexes. The prefix's first byte is 0x01 from 2004 to 2039; kept within 0x01-0x7F for any clock, it
        // makes a positive INTEGER of minimal length, always 32 hex digits.
        Span<byte> serial = stackalloc byte[16];
        TimeOrderedIds.WriteNew(serial, now);
        serial[0] = Math.Clamp(serial[0], (byte)0x01, (byte)0x7F);

        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(ExplicitVersionTag))
            {
                writer.WriteInteger(2); // v3
            }

            writer.WriteInteger(serial);
            writer.WriteEncodedValue(issuer.SignatureAlgorithm);
            writer.WriteEncodedValue(issuer.NameDer);
            using (writer.PushSequence())
            {
                WriteTime(writer, notBefore);
                WriteTime(writer, notAfter);
            }

            writer.WriteEncodedValue(subject);
            writer.WriteEncodedValue(spki);

            using (writer.PushSequence(ExplicitExtensionsTag))
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(EndEntityBasicConstraints);
                if (template.KeyUsage != 0)
                {
                    WriteKeyUsage(writer, template.KeyUsage);
                }

                if (extendedKeyUsages.Count > 0)
                {
                    WriteExtendedKeyUsage(writer, extendedKeyUsages);
                }

                if (subjectAltNames.Count > 0)
                {
                    WriteSubjectAltName(writer, subjectAltNames, critical: subjectIsEmpty);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.SubjectKeyIdentifier);
                    using (writer.PushOctetString())
                    {
                        writer.WriteOctetString(subjectKeyIdentifier);
                    }
                }

                writer.WriteEncodedValue(issuer.AuthorityKeyIdentifierExtension);

                if (statusExtensions is not null)
                {
                    writer.WriteEncodedValue(statusExtensions.CrlDistributionPoints);
                    writer.WriteEncodedValue(statusExtensions.AuthorityInfoAccess);
                }

                if (policies.Count > 0)
                {
                    WriteCertificatePolicies(writer, policies);
                }

                WriteAdditionalExtensions(
                    writer, additional, template, extendedKeyUsages.Count > 0, subjectAltNames.Count > 0, policies.Count > 0, statusExtensions is not null);
            }
        }

        byte[] tbs = writer.Encode();
        byte[] signature = issuer.Signer.Sign(tbs);

        var certificateWriter = new AsnWriter(AsnEncodingRules.DER, initialCapacity: tbs.Length + signature.Length + 64);
        using (certificateWriter.PushSequence())
        {
            certificateWriter.WriteEncodedValue(tbs);
            certificateWriter.WriteEncodedValue(issuer.SignatureAlgorithm);
            certificateWriter.WriteBitString(signature);
        }

        byte[] der = certificateWriter.Encode();

        return new IssuedCertificate(
            Serial: Convert.ToHexStringLower(serial),
            Der: der,
            ChainDer: issuer.ChainDer,
            Subject: subjectIsEmpty ? string.Empty : new X500DistinguishedName(subject).Name,
            Issuer: issuer.SubjectName,
            NotBefore: notBefore,
            NotAfter: notAfter,
            Sha256Fingerprint: Convert.ToHexStringLower(SHA256.HashData(der)),
            CutFromNotAfter: TruncateToSeconds(template.NotAfter) > notAfter ? template.NotAfter : null,
            IssuerId: issuer.Id);
    }

    /// <summary>
    /// Checks that <paramref name="spki"/> is exactly one DER SubjectPublicKeyInfo and returns its key identifier
    /// (RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits).
    /// </summary>
    internal static byte[] ValidateSpkiAndComputeKeyIdentifier(ReadOnlySpan<byte> spki)
    {
        try
        {
            AsnDecoder.ReadSequence(spki, AsnEncodingRules.DER, out int offset, out int length, out int consumed);
            if (consumed != spki.Length)
            {
                throw new ArgumentException("The SubjectPublicKeyInfo has trailing data.", "template");
            }

            ReadOnlySpan<byte> contents = spki.Slice(offset, length);
            AsnDecoder.ReadSequence(contents, AsnEncodingRules.DER, out offset, out length, out consumed);
            ReadOnlySpan<byte> algorithm = contents.Slice(offset, length);
            contents = contents[consumed..];

            if (Asn1Tag.Decode(algorithm, out _) != Asn1Tag.ObjectIdentifier)
            {
                throw new ArgumentException("The SubjectPublicKeyInfo's algorithm does not start with an OID.", "template");
            }

            AsnDecoder.ReadEncodedValue(algorithm, AsnEncodingRules.DER, out _, out _, out consumed);
            algorithm = algorithm[consumed..];
            if (!algorithm.IsEmpty)
            {
                AsnDecoder.ReadEncodedValue(algorithm, AsnEncodingRules.DER, out _, out _, out consumed);
                if (consumed != algorithm.Length)
                {
                    throw new ArgumentException("The SubjectPublicKeyInfo's algorithm has more than one parameter.", "template");
                }
            }

            if (!AsnDecoder.TryReadPrimitiveBitString(contents, AsnEncodingRules.DER, out int unusedBits, out ReadOnlySpan<byte> key, out consumed)
                || unusedBits != 0 || key.IsEmpty || consumed != contents.Length)
            {
                throw new ArgumentException("The SubjectPublicKeyInfo's subjectPublicKey is not a whole-byte BIT STRING ending the structure.", "template");
            }

            return SHA1.HashData(key);
        }
        catch (AsnContentException ex)
        {
            throw new ArgumentException($"The SubjectPublicKeyInfo is not valid DER: {ex.Message}", "template", ex);
        }
    }

    /// <summary>Checks that <paramref name="name"/> is exactly one DER Name; returns whether it has no RDNs.</summary>
    internal static bool ValidateName(ReadOnlySpan<byte> name) =>
        DerName.TryCheck(name, out bool empty, out string? error) ? empty : throw new ArgumentException($"The subject {error}.", "template");

    /// <summary>The keyUsage BIT STRING: X509KeyUsageFlags' low byte is bits 0–7, 0x8000 is bit 8; trailing zero bits dropped.</summary>
    internal static void WriteKeyUsage(AsnWriter writer, int keyUsage)
    {
        Span<byte> bits = [(byte)keyUsage, (byte)(keyUsage >> 8)];
        int length = bits[1] != 0 ? 2 : 1;
        int unusedBits = BitOperations.TrailingZeroCount(bits[length - 1]);

        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.KeyUsage);
            writer.WriteBoolean(true);
            using (writer.PushOctetString())
            {
                writer.WriteBitString(bits[..length], unusedBits);
            }
        }
    }

    private static void WriteExtendedKeyUsage(AsnWriter writer, IReadOnlyList<string> oids)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.ExtendedKeyUsage);
            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
                for (int i = 0; i < oids.Count; i++)
                {
                    WriteOid(writer, oids[i], "ExtendedKeyUsage");
                }
            }
        }
    }

    private static void WriteSubjectAltName(AsnWriter writer, IReadOnlyList<SubjectAltName> names, bool critical)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.SubjectAltName);
            if (critical)
            {
                writer.WriteBoolean(true);
            }

            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
                for (int i = 0; i < names.Count; i++)
                {
                    WriteGeneralName(writer, names[i]);
                }
            }
        }
    }

    private static void WriteGeneralName(AsnWriter writer, SubjectAltName name)
    {
        if (name is null || string.IsNullOrEmpty(name.Value))
        {
            throw new ArgumentException("The template has an empty subjectAltName.", "template");
        }

        switch (name.Type)
        {
            case SubjectAltNameType.Dns:
                RequireIa5(name, allowSpace: false);
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, DnsNameTag);
                break;
            case SubjectAltNameType.Email:
                RequireIa5(name, allowSpace: false);
                if (name.Value.IndexOf('@', StringComparison.Ordinal) <= 0)
                {
                    throw new ArgumentException($"subjectAltName {name} is not an email address.", "template");
                }

                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, Rfc822NameTag);
                break;
            case SubjectAltNameType.Uri:
                RequireIa5(name, allowSpace: false);
                if (!Uri.TryCreate(name.Value, UriKind.Absolute, out _))
                {
                    throw new ArgumentException($"subjectAltName {name} is not an absolute URI.", "template");
                }

                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, UriTag);
                break;
            case SubjectAltNameType.Upn:
                // otherName [0] { type-id UPN, value [0] EXPLICIT UTF8String } (RFC 5280 §4.2.1.6; Microsoft's UPN type).
                if (name.Value.IndexOf('@', StringComparison.Ordinal) <= 0 || name.Value.Any(char.IsControl))
                {
                    throw new ArgumentException($"subjectAltName {name} is not a user principal name.", "template");
                }

                using (writer.PushSequence(OtherNameTag))
                {
                    writer.WriteObjectIdentifier(Oids.UserPrincipalName);
                    using (writer.PushSequence(ExplicitZeroTag))
                    {
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, name.Value);
                    }
                }

                break;
            case SubjectAltNameType.Ip:
                if (name.Value.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(name.Value, out IPAddress? address)
                    || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                {
                    throw new ArgumentException($"subjectAltName {name} is not an IPv4 or IPv6 address.", "template");
                }

                Span<byte> bytes = stackalloc byte[16];
                address.TryWriteBytes(bytes, out int written);
                writer.WriteOctetString(bytes[..written], IpAddressTag);
                break;
            default:
                throw new ArgumentException($"subjectAltName {name} is of a type the CA does not issue.", "template");
        }
    }

    private static void RequireIa5(SubjectAltName name, bool allowSpace)
    {
        foreach (char c in name.Value)
        {
            if (c > '~' || c < ' ' || (c == ' ' && !allowSpace))
            {
                throw new ArgumentException($"subjectAltName {name} has characters outside printable ASCII.", "template");
            }
        }
    }

    private static void WriteCertificatePolicies(AsnWriter writer, IReadOnlyList<string> policies)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.CertificatePolicies);
            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
                for (int i = 0; i < policies.Count; i++)
                {
                    using (writer.PushSequence())
                    {
                        WriteOid(writer, policies[i], "CertificatePolicies");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes the template's extra extensions verbatim. Skipped: basicConstraints, subjectKeyIdentifier and
    /// authorityKeyIdentifier (always the CA's), keyUsage / extKeyUsage / subjectAltName / certificatePolicies when the
    /// template's own fields produced them, cRLDistributionPoints / authorityInfoAccess when the CA wrote its own, and
    /// any repeat of an OID already written.
    /// </summary>
    private static void WriteAdditionalExtensions(
        AsnWriter writer, IReadOnlyList<ExtensionData> extensions, CertificateTemplate template, bool wroteEku, bool wroteSan, bool wrotePolicies,
        bool wroteStatus)
    {
        if (extensions.Count == 0)
        {
            return;
        }

        List<string>? written = null;
        for (int i = 0; i < extensions.Count; i++)
        {
            ExtensionData extension = extensions[i] ?? throw new ArgumentException("The template has a null extension.", nameof(template));
            string oid = extension.Oid;
            bool ours = oid switch
            {
                Oids.BasicConstraints or Oids.SubjectKeyIdentifier or Oids.AuthorityKeyIdentifier => true,
                Oids.KeyUsage => template.KeyUsage != 0,
                Oids.ExtendedKeyUsage => wroteEku,
                Oids.SubjectAltName => wroteSan,
                Oids.CertificatePolicies => wrotePolicies,
                Oids.CrlDistributionPoints or Oids.AuthorityInfoAccess => wroteStatus,
                _ => false,
            };
            if (ours || (written?.Contains(oid, StringComparer.Ordinal) ?? false))
            {
                continue;
            }

            byte[] value = extension.Value ?? throw new ArgumentException($"Extension {oid} has no value.", nameof(template));
            try
            {
                AsnDecoder.ReadEncodedValue(value, AsnEncodingRules.BER, out _, out _, out int consumed);
                if (consumed != value.Length)
                {
                    throw new ArgumentException($"Extension {oid}'s value is not exactly one ASN.1 value.", nameof(template));
                }
            }
            catch (AsnContentException ex)
            {
                throw new ArgumentException($"Extension {oid}'s value is not valid ASN.1: {ex.Message}", nameof(template), ex);
            }

            using (writer.PushSequence())
            {
                WriteOid(writer, oid, "Extension");
                if (extension.Critical)
                {
                    writer.WriteBoolean(true);
                }

                writer.WriteOctetString(value);
            }

            (written ??= []).Add(oid);
        }
    }

    private static void WriteOid(AsnWriter writer, string? oid, string what)
    {
        try
        {
            writer.WriteObjectIdentifier(oid ?? throw new ArgumentException($"{what} OID is null.", "template"));
        }
        catch (ArgumentException ex) when (ex.ParamName != "template")
        {
            throw new ArgumentException($"{what} OID '{oid}' is not a valid object identifier.", "template", ex);
        }
    }

    /// <summary>RFC 5280 §4.1.2.5: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds, Zulu.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        if (time.Year is >= 1950 and < 2050)
        {
            writer.WriteUtcTime(time, twoDigitYearMax: 2049);
        }
        else
        {
            writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static byte[] EncodeEndEntityBasicConstraints()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.BasicConstraints);
            writer.WriteBoolean(true);
            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
            }
        }

        return writer.Encode();
    }
}
