using System.Security.Cryptography;
using Gateway.Contracts;

namespace Gateway.Protocols.Est.Tests;

/// <summary>serverkeygen's key: the CSR's type and size when the profile allows it, else the profile's first.</summary>
public sealed class ServerKeysTests
{
    private static readonly KeyDescription P256 = new(KeyDescription.Ec, 256, "P-256");
    private static readonly KeyDescription P384 = new(KeyDescription.Ec, 384, "P-384");
    private static readonly KeyDescription Rsa2048 = new(KeyDescription.Rsa, 2048, null);

    [Theory]
    [InlineData(3072, 3072)]
    [InlineData(2048, 2048)]
    [InlineData(16384, 2048)]
    [InlineData(2050, 2048)]
    public void Generate_rsaCsr_rsaKeyOfTheCsrsSizeWhenUsual(int requested, int expected)
    {
        using var key = ServerKeys.Generate([P256, Rsa2048], new KeyDescription(KeyDescription.Rsa, requested, null));

        var rsa = Assert.IsAssignableFrom<RSA>(key);
        Assert.Equal(expected, rsa.KeySize);
    }

    [Fact]
    public void Generate_ecCsrOnAllowedCurve_thatCurve()
    {
        using var key = ServerKeys.Generate([P256, P384, Rsa2048], P384);

        Assert.Equal(384, Assert.IsAssignableFrom<ECDsa>(key).KeySize);
    }

    [Theory]
    [InlineData(KeyDescription.Rsa, 2048, null)]
    [InlineData(KeyDescription.Ec, 521, "P-521")]
    [InlineData(KeyDescription.Ed25519, 256, null)]
    public void Generate_csrKeyTheProfileDoesNotAllow_profilesFirst(string algorithm, int bits, string? curve)
    {
        using var key = ServerKeys.Generate([P256, P384], new KeyDescription(algorithm, bits, curve));

        Assert.Equal(256, Assert.IsAssignableFrom<ECDsa>(key).KeySize);
    }

    [Fact]
    public void Generate_rsaBelowTheProfilesMinimum_rsaOfTheProfilesMinimum()
    {
        using var key = ServerKeys.Generate([P256, new KeyDescription(KeyDescription.Rsa, 3072, null)], Rsa2048);

        Assert.Equal(3072, Assert.IsAssignableFrom<RSA>(key).KeySize);
    }
}
