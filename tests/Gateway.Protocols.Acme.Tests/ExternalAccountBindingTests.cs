using System.Buffers.Text;
using System.Text.Json;
using Gateway.Protocols.Acme.Jws;

namespace Gateway.Protocols.Acme.Tests;

/// <summary>External Account Binding (RFC 8555 §7.3.4), made with Python's hmac over the newAccount request of testdata/es256-jwk.json.</summary>
public sealed class ExternalAccountBindingTests
{
    private static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", name);

    private static JwsMessage Outer() => JwsMessage.Parse(File.ReadAllBytes(Path("es256-jwk.json")));

    private static byte[] Key() => Base64Url.DecodeFromChars(File.ReadAllText(Path("eab-key.txt")).Trim());

    private static ExternalAccountBinding Parse(string file)
    {
        using var binding = JsonDocument.Parse(File.ReadAllBytes(Path(file)));
        return ExternalAccountBinding.Parse(binding.RootElement, Outer());
    }

    [Theory]
    [InlineData("eab-hs256.json", "HS256")]
    [InlineData("eab-hs512.json", "HS512")]
    public void A_binding_of_the_request_key_verifies_with_the_credential_key(string file, string alg)
    {
        var binding = Parse(file);

        Assert.Equal(alg, binding.Alg);
        Assert.Equal("k1d2e3f4g5h6i7j8", binding.KeyId);
        Assert.Equal(Outer().Jwk!.Thumbprint, binding.Jwk.Thumbprint);
        Assert.True(binding.Verify(Key()));
        Assert.False(binding.Verify(new byte[32]));
    }

    [Fact]
    public void A_binding_made_with_another_key_does_not_verify()
    {
        Assert.False(Parse("eab-wrong-key.json").Verify(Key()));
    }

    [Theory]
    [InlineData("malformed/eab-with-nonce.json", "malformed")]
    [InlineData("malformed/eab-alg-rs256.json", "badSignatureAlgorithm")]
    [InlineData("malformed/eab-other-url.json", "unauthorized")]
    [InlineData("malformed/eab-binds-another-key.json", "unauthorized")]
    public void A_malformed_or_foreign_binding_is_refused(string file, string type)
    {
        Assert.Equal(type, Assert.Throws<AcmeProblem>(() => Parse(file)).Type);
    }
}
