using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Inventory;

namespace Gateway.Protocols.Common.Tests;

/// <summary>
/// Issue 13 item 2: a gateway-issued client certificate authenticates only in its own profile or one that lists it
/// (never across profiles for a renewal), needs clientAuth, and must be the stored, valid certificate; a manufacturer
/// certificate authenticates enrollments, never renewals.
/// </summary>
public sealed class ClientCertificateVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2 _root = TestCertificates.Ca("Gateway Root", Now.AddDays(-10), Now.AddYears(5));
    private readonly X509Certificate2 _issuing;
    private readonly X509Certificate2 _manufacturer = TestCertificates.Ca("Manufacturer CA", Now.AddDays(-10), Now.AddYears(5));
    private readonly Dictionary<string, CertificateInfo> _inventory = new(StringComparer.Ordinal);
    private readonly List<X509Certificate2> _disposables = [];

    public ClientCertificateVerifierTests()
    {
        _issuing = TestCertificates.Ca("Gateway Issuing", Now.AddDays(-10), Now.AddYears(4), _root);
    }

    private EnrollmentProfile Profile(string name, params string[] accepts) =>
        new(new ProfileSummary(name, 1, [EnrollmentProtocol.Est], [AuthenticationMethods.GatewayCertificate], "default",
            [_issuing.RawData, _root.RawData], [], [], [], false, accepts));

    /// <summary>A certificate issued by the gateway's CA under <paramref name="profile"/>, recorded in the inventory as <paramref name="status"/>.</summary>
    private X509Certificate2 Issued(string profile, string[]? ekus, CertificateStatus status = CertificateStatus.Valid, bool record = true)
    {
        var certificate = TestCertificates.Leaf(_issuing, "device-" + Guid.NewGuid().ToString("N")[..8], Now.AddDays(-1), Now.AddDays(30), ekus);
        _disposables.Add(certificate);
        if (record)
        {
            var serial = ClientChains.Serial(certificate);
            _inventory[serial] = new CertificateInfo(serial, certificate.Subject, [], _issuing.Subject, Now.AddDays(-1), Now.AddDays(30), status, profile,
                EnrollmentProtocol.Est, "x", "", certificate.RawData, null, null, "est:t");
        }
        return certificate;
    }

    private Task<ClientCertificateCheck> VerifyAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use) =>
        new ClientCertificateVerifier(serial => Task.FromResult(_inventory.GetValueOrDefault(serial)), new FakeTimeProvider(Now))
            .VerifyAsync(profile, certificate, use, [_manufacturer], []);

    [Fact]
    public async Task Verify_ownProfilesClientCertificate_authenticatesAsGatewayCertificate()
    {
        var certificate = Issued("iot-device", [TestCertificates.ClientAuth]);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.GatewayIssued, check.Status);
        Assert.Equal(AuthenticationMethods.GatewayCertificate, check.Requester!.AuthenticationMethod);
        Assert.Equal(ClientChains.Serial(certificate), check.Serial);
        Assert.Equal("iot-device", check.Profile);
    }

    [Fact]
    public async Task Verify_otherProfilesCertificate_refusedAsWrongProfile()
    {
        var certificate = Issued("web-server", [TestCertificates.ClientAuth, TestCertificates.ServerAuth]);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.WrongProfile, check.Status);
        Assert.Null(check.Requester);
        Assert.Contains("web-server", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_otherProfileListedInAcceptsCertificatesFrom_authenticatesEnrollment()
    {
        var certificate = Issued("factory-bootstrap", [TestCertificates.ClientAuth]);

        var check = await VerifyAsync(Profile("iot-device", "factory-bootstrap"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.GatewayIssued, check.Status);
        Assert.Equal("factory-bootstrap", check.Profile);
    }

    [Fact]
    public async Task Verify_renewalAcrossProfiles_refusedEvenWhenAccepted()
    {
        var certificate = Issued("factory-bootstrap", [TestCertificates.ClientAuth]);

        var check = await VerifyAsync(Profile("iot-device", "factory-bootstrap"), certificate, ClientCertificateUse.Renewal);

        Assert.Equal(ClientCertificateStatus.WrongProfile, check.Status);
    }

    [Fact]
    public async Task Verify_renewalInOwnProfile_authenticates()
    {
        var certificate = Issued("iot-device", [TestCertificates.ClientAuth]);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Renewal);

        Assert.Equal(ClientCertificateStatus.GatewayIssued, check.Status);
    }

    [Theory]
    [InlineData(TestCertificates.ServerAuth)]
    [InlineData(null)]
    public async Task Verify_gatewayCertificateWithoutClientAuth_refused(string? eku)
    {
        var certificate = Issued("iot-device", eku is null ? null : [eku]);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.NotClientAuth, check.Status);
    }

    [Theory]
    [InlineData(CertificateStatus.Revoked)]
    [InlineData(CertificateStatus.OnHold)]
    [InlineData(CertificateStatus.Expired)]
    public async Task Verify_gatewayCertificateNotValid_refused(CertificateStatus status)
    {
        var certificate = Issued("iot-device", [TestCertificates.ClientAuth], status);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.NotValid, check.Status);
    }

    [Fact]
    public async Task Verify_gatewayChainedCertificateUnknownToTheStore_refused()
    {
        var certificate = Issued("iot-device", [TestCertificates.ClientAuth], record: false);

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.NotValid, check.Status);
        Assert.Contains("unknown", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_storedDerDiffers_refused()
    {
        var certificate = Issued("iot-device", [TestCertificates.ClientAuth]);
        var serial = ClientChains.Serial(certificate);
        _inventory[serial] = _inventory[serial] with { Der = [.. certificate.RawData[..^1], (byte)(certificate.RawData[^1] ^ 1)] };

        var check = await VerifyAsync(Profile("iot-device"), certificate, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.NotValid, check.Status);
    }

    [Fact]
    public async Task Verify_manufacturerCertificate_authenticatesEnrollmentNotRenewal()
    {
        var device = TestCertificates.Leaf(_manufacturer, "idevid", Now.AddDays(-1), Now.AddDays(30));
        _disposables.Add(device);

        var enrollment = await VerifyAsync(Profile("iot-device"), device, ClientCertificateUse.Enrollment);
        var renewal = await VerifyAsync(Profile("iot-device"), device, ClientCertificateUse.Renewal);

        Assert.Equal(ClientCertificateStatus.Manufacturer, enrollment.Status);
        Assert.Equal(AuthenticationMethods.ManufacturerCertificate, enrollment.Requester!.AuthenticationMethod);
        Assert.Equal(ClientCertificateStatus.NotGatewayIssued, renewal.Status);
    }

    [Fact]
    public async Task Verify_certificateOfAnUnknownCa_notTrusted()
    {
        using var stranger = TestCertificates.Ca("Stranger", Now.AddDays(-1), Now.AddYears(1));
        var device = TestCertificates.Leaf(stranger, "x", Now.AddDays(-1), Now.AddDays(30), [TestCertificates.ClientAuth]);
        _disposables.Add(device);

        var check = await VerifyAsync(Profile("iot-device"), device, ClientCertificateUse.Enrollment);

        Assert.Equal(ClientCertificateStatus.NotTrusted, check.Status);
    }

    public void Dispose()
    {
        foreach (var certificate in _disposables) certificate.Dispose();
        _root.Dispose();
        _issuing.Dispose();
        _manufacturer.Dispose();
    }
}
