using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Ca.Tests;

/// <summary>A protocol identity (the SCEP RA): issued and recorded, kept in the CA directory for restarts and other nodes, rotated with the previous key still decrypting.</summary>
public sealed class RsaProtocolIdentityTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ListRecorder _recorder = new();
    private readonly CaOptions _options;
    private readonly CertificateAuthority _ca;

    public RsaProtocolIdentityTests()
    {
        _options = Given.Options(_dir);
        _ca = Given.Ca(_options, time: _time);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private RsaProtocolIdentity Identity() => Identity(_ca);

    private RsaProtocolIdentity Identity(ICertificateAuthority ca) => new(ca, _recorder, _options, _time, NullLogger.Instance, GatewayCertificates.ScepRa, "Gateway SCEP RA",
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, TimeSpan.FromDays(30));

    private static byte[] Serial(X509Certificate2 certificate) => certificate.SerialNumberBytes.Span.TrimStart((byte)0).ToArray();

    private static byte[] KeyIdOf(IssuingCa issuer) =>
        issuer.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray();

    private static byte[] IssuerKeyIdOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();

    [Fact]
    public void Certificate_is_an_rsa_ra_certificate_recorded_under_its_role_and_signs_with_its_key()
    {
        using var identity = Identity();

        var certificate = identity.Certificate;

        Assert.NotNull(certificate.GetRSAPublicKey());
        Assert.False(certificate.HasPrivateKey);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        var (recorded, role, _) = Assert.Single(_recorder.Recorded);
        Assert.Equal(GatewayCertificates.ScepRa, role);
        Assert.Equal(certificate.RawData, recorded.Der);
        var data = RandomNumberGenerator.GetBytes(64);
        Assert.True(certificate.GetRSAPublicKey()!.VerifyData(data, identity.Sign(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Certificate_after_a_restart_or_on_another_node_is_the_same_one_not_issued_again()
    {
        byte[] first;
        using (var identity = Identity()) first = identity.Certificate.RawData;

        using var again = Identity();

        Assert.Equal(first, again.Certificate.RawData);
        Assert.Single(_recorder.Recorded);
    }

    [Fact]
    public void Certificate_after_two_thirds_of_its_life_is_renewed_and_the_previous_one_still_decrypts()
    {
        using var identity = Identity();
        var old = identity.Certificate;
        var wrappedForOld = old.GetRSAPublicKey()!.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1);

        _time.Advance(TimeSpan.FromDays(21));
        var renewed = identity.Certificate;

        Assert.NotEqual(old.RawData, renewed.RawData);
        Assert.Equal(2, _recorder.Recorded.Count);
        Assert.True(identity.TryDecrypt(old.IssuerName.RawData, Serial(old), wrappedForOld, RSAEncryptionPadding.Pkcs1, out var key));
        Assert.Equal(new byte[16], key);
        var wrappedForNew = renewed.GetRSAPublicKey()!.Encrypt(new byte[16], RSAEncryptionPadding.OaepSHA256);
        Assert.True(identity.TryDecrypt(renewed.IssuerName.RawData, Serial(renewed), wrappedForNew, RSAEncryptionPadding.OaepSHA256, out _));
        Assert.False(identity.TryDecrypt(renewed.IssuerName.RawData, [0x01, 0x02], wrappedForNew, RSAEncryptionPadding.OaepSHA256, out _));
    }

    [Fact]
    public void Certificate_after_a_rollover_comes_from_the_new_generation_on_every_node_and_the_previous_one_still_decrypts()
    {
        using var otherCa = Given.Ca(_options, time: _time); // another node on the shared CA directory, not refreshed yet
        using var identity = Identity();
        var old = identity.Certificate;
        var wrappedForOld = old.GetRSAPublicKey()!.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1);
        Assert.Equal(KeyIdOf(_ca.GetIssuer("default")), IssuerKeyIdOf(old));

        var next = _ca.RollOver("default");
        var renewed = identity.Certificate;

        // Answers carry the current generation's chain: the identity signing them must come from that generation too.
        Assert.NotEqual(old.RawData, renewed.RawData);
        Assert.Equal(KeyIdOf(next), IssuerKeyIdOf(renewed));
        Assert.Equal(2, _recorder.Recorded.Count);
        Assert.True(identity.TryDecrypt(old.IssuerName.RawData, Serial(old), wrappedForOld, RSAEncryptionPadding.Pkcs1, out var key));
        Assert.Equal(new byte[16], key);

        // The other node picks the rollover up and uses the same certificate: it neither issues one nor goes back to the first generation.
        using var other = Identity(otherCa);
        Assert.Equal(renewed.RawData, other.Certificate.RawData);
        Assert.Equal("default-g2", otherCa.DefaultIssuerId);
        Assert.Equal(2, _recorder.Recorded.Count);
        Assert.Equal(renewed.RawData, identity.Certificate.RawData);
    }

    [Fact]
    public void Certificate_when_the_store_cannot_record_it_fails_and_nothing_is_kept()
    {
        _recorder.Fail = true;
        using var identity = Identity();

        Assert.Throws<InvalidOperationException>(() => identity.Certificate);
        Assert.False(File.Exists(identity.FilePath));
    }
}
