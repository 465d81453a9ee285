using Gateway.Contracts;

namespace Gateway.Policy.Tests;

/// <summary>
/// Profiles tell manufacturer certificates (IDevID) and gateway-issued ones (LDevID) apart; <c>client-certificate</c>
/// keeps meaning either, so existing profiles keep working. <c>acceptsCertificatesFrom</c> names the other profiles
/// whose gateway certificates authenticate here.
/// </summary>
public sealed class ClientCertificateMethodTests
{
    private static CompiledProfile Est(string authentication, string extra = "") => Given.Compile($"""
        name: est-test
        protocols: [est]
        authentication: [{authentication}]
        {extra}
        """);

    [Theory]
    [InlineData("client-certificate", AuthenticationMethods.ManufacturerCertificate, DecisionEffect.Allow)]
    [InlineData("client-certificate", AuthenticationMethods.GatewayCertificate, DecisionEffect.Allow)]
    [InlineData("manufacturer-certificate", AuthenticationMethods.ManufacturerCertificate, DecisionEffect.Allow)]
    [InlineData("manufacturer-certificate", AuthenticationMethods.GatewayCertificate, DecisionEffect.Deny)]
    [InlineData("gateway-certificate", AuthenticationMethods.GatewayCertificate, DecisionEffect.Allow)]
    [InlineData("gateway-certificate", AuthenticationMethods.ManufacturerCertificate, DecisionEffect.Deny)]
    [InlineData("http-basic", AuthenticationMethods.GatewayCertificate, DecisionEffect.Deny)]
    public void Evaluate_certificateKind_allowedOnlyWhenTheProfileListsIt(string listed, string method, DecisionEffect expected)
    {
        var decision = Est(listed).Evaluate(Given.Input(protocol: EnrollmentProtocol.Est, authentication: method));

        Assert.Equal(expected, decision.Effect == DecisionEffect.Deny && decision.DecidingRule?.Rule == "authentication" ? DecisionEffect.Deny : DecisionEffect.Allow);
    }

    [Fact]
    public void Parse_acceptsCertificatesFrom_absent_acceptsNoOtherProfile()
    {
        Assert.Empty(Est("gateway-certificate").AcceptsCertificatesFrom);
    }

    [Fact]
    public void Parse_acceptsCertificatesFrom_listed_keptInOrderWithoutDuplicates()
    {
        var profile = Est("gateway-certificate", "acceptsCertificatesFrom: [iot-device, factory-bootstrap, iot-device]");

        Assert.Equal(["iot-device", "factory-bootstrap"], profile.AcceptsCertificatesFrom);
    }
}
