using System.Text.Json;
using Gateway.Protocols.Acme.Jws;

namespace Gateway.Protocols.Acme.Tests;

/// <summary>
/// ACME request JWS (RFC 8555 §6.2): flattened JSON, protected header only, alg/nonce/url, exactly one of jwk and kid,
/// the signature checked with the key. Requests were made with Python's <c>cryptography</c> (testdata/*.json), malformed
/// variants are under testdata/malformed.
/// </summary>
public sealed class JwsMessageTests
{
    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", name));

    [Theory]
    [InlineData("es256-jwk.json", "ES256", "EC")]
    [InlineData("es384-jwk.json", "ES384", "EC")]
    [InlineData("rs256-jwk.json", "RS256", "RSA")]
    [InlineData("eddsa-jwk.json", "EdDSA", "OKP")]
    public void Parse_and_verify_a_request_signed_with_its_jwk(string file, string alg, string kty)
    {
        var message = JwsMessage.Parse(Read(file));

        Assert.Equal(alg, message.Alg);
        Assert.Equal("test-nonce", message.Nonce);
        Assert.Equal("https://acme.test/acme/new-account", message.Url);
        Assert.Equal(kty, message.Jwk!.Kty);
        Assert.Null(message.Kid);
        Assert.True(message.VerifyWith(message.Jwk));
        using var payload = message.PayloadJson()!;
        Assert.True(payload.RootElement.GetProperty("termsOfServiceAgreed").GetBoolean());
    }

    [Fact]
    public void Verify_fails_when_the_payload_was_changed_after_signing()
    {
        var message = JwsMessage.Parse(Read("es256-tampered-payload.json"));

        Assert.False(message.VerifyWith(message.Jwk!));
    }

    [Fact]
    public void Verify_with_another_key_fails_and_a_key_of_another_type_is_badSignatureAlgorithm()
    {
        var ec = JwsMessage.Parse(Read("es256-jwk.json"));
        var rsa = JwsMessage.Parse(Read("rs256-jwk.json"));
        var otherEc = JwsMessage.Parse(Read("es384-jwk.json"));

        var problem = Assert.Throws<AcmeProblem>(() => ec.VerifyWith(rsa.Jwk!));
        Assert.Equal("badSignatureAlgorithm", problem.Type);
        Assert.Throws<AcmeProblem>(() => ec.VerifyWith(otherEc.Jwk!));
    }

    [Fact]
    public void Parse_a_post_as_get_by_account_url()
    {
        var message = JwsMessage.Parse(Read("es256-kid-post-as-get.json"));
        using var jwk = JsonDocument.Parse(Read("es256-account-jwk.json"));

        Assert.True(message.IsPostAsGet);
        Assert.Null(message.PayloadJson());
        Assert.Equal("https://acme.test/acme/acct/1", message.Kid);
        Assert.Null(message.Jwk);
        Assert.True(message.VerifyWith(AcmeJwk.Parse(jwk.RootElement)));
    }

    [Theory]
    [InlineData("not-json.json", "malformed")]
    [InlineData("array.json", "malformed")]
    [InlineData("missing-signature.json", "malformed")]
    [InlineData("unprotected-header.json", "malformed")]
    [InlineData("general-serialization.json", "malformed")]
    [InlineData("protected-not-base64url.json", "malformed")]
    [InlineData("protected-padded.json", "malformed")]
    [InlineData("alg-none.json", "badSignatureAlgorithm")]
    [InlineData("alg-hs256.json", "badSignatureAlgorithm")]
    [InlineData("alg-does-not-fit-key.json", "badSignatureAlgorithm")]
    [InlineData("jwk-and-kid.json", "malformed")]
    [InlineData("neither-jwk-nor-kid.json", "malformed")]
    [InlineData("jwk-with-private-key.json", "badPublicKey")]
    [InlineData("ec-point-not-on-curve.json", "badPublicKey")]
    [InlineData("ec-short-coordinate.json", "badPublicKey")]
    [InlineData("rsa-1024.json", "badPublicKey")]
    [InlineData("crit-header.json", "malformed")]
    [InlineData("no-nonce.json", "badNonce")]
    [InlineData("no-url.json", "malformed")]
    [InlineData("duplicate-header-member.json", "malformed")]
    [InlineData("deeply-nested.json", "malformed")]
    public void Parse_malformed_request_is_the_right_acme_problem(string file, string type)
    {
        var problem = Assert.Throws<AcmeProblem>(() => JwsMessage.Parse(Read(Path.Combine("malformed", file))));

        Assert.Equal(type, problem.Type);
        if (type == "badSignatureAlgorithm") Assert.Equal(JwsMessage.Algorithms, problem.Algorithms);
    }

    [Fact]
    public void Thumbprint_is_rfc7638s_example()
    {
        // RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint.
        using var jwk = JsonDocument.Parse("""
            {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
            """);

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", AcmeJwk.Parse(jwk.RootElement).Thumbprint);
    }
}
