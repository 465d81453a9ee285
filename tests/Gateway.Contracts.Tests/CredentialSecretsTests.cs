using System.Buffers.Text;
using System.Formats.Asn1;
using System.Text;
using Gateway.Contracts.Credentials;

namespace Gateway.Contracts.Tests;

public sealed class CredentialSecretsTests
{
    private static readonly string Id = CredentialSecrets.NewId();

    [Fact]
    public void NewId_is_16_lowercase_alphanumerics()
    {
        var id = CredentialSecrets.NewId();
        Assert.Matches("^[a-z0-9]{16}$", id);
        Assert.True(CredentialSecrets.IsWellFormedId(id));
    }

    [Fact]
    public void NewSecret_is_the_id_then_44_alphanumerics_with_at_least_256_bits()
    {
        var secret = CredentialSecrets.NewSecret(Id);
        Assert.Equal(60, secret.Length);
        Assert.StartsWith(Id, secret, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9]{16}[A-Za-z0-9]{44}$", secret);
        Assert.True(CredentialSecrets.SecretEntropyBits >= 256, $"{CredentialSecrets.SecretEntropyBits} bits");
    }

    [Fact]
    public void NewSecret_is_canonical_base64url_whose_decoding_is_the_eab_hmac_key()
    {
        for (var i = 0; i < 200; i++)
        {
            var secret = CredentialSecrets.NewSecret(Id);
            Assert.NotEqual(1, secret.Length % 4);
            Assert.True(Base64Url.IsValid(secret));
            var key = CredentialSecrets.HmacKey(secret);
            Assert.Equal(45, key.Length);
            // No leftover bits: re-encoding gives the same text, so strict decoders (which refuse non-zero padding bits) agree.
            Assert.Equal(secret, Base64Url.EncodeToString(key));
            // The standard base64 alphabet agrees too (no '-' or '_' in the secret).
            Assert.Equal(key, Convert.FromBase64String(secret));
        }
    }

    [Fact]
    public void NewSecret_is_an_asn1_printable_string_for_scep_challenge_password()
    {
        var secret = CredentialSecrets.NewSecret(Id);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, secret);
        var reader = new AsnReader(writer.Encode(), AsnEncodingRules.DER);
        Assert.Equal(secret, reader.ReadCharacterString(UniversalTagNumber.PrintableString));
        // What the old base64url alphabet could produce is not: the check above is a real one.
        Assert.ThrowsAny<Exception>(() => new AsnWriter(AsnEncodingRules.DER).WriteCharacterString(UniversalTagNumber.PrintableString, "ab_cd"));
    }

    [Fact]
    public void NewSecret_needs_no_quoting_in_curl_user_or_openssl_pass_arguments()
    {
        var secret = CredentialSecrets.NewSecret(Id);
        Assert.DoesNotContain(':', secret);
        Assert.Equal(secret, Uri.EscapeDataString(secret));
        Assert.Equal(Encoding.ASCII.GetBytes(secret), CredentialSecrets.MacKey(secret));
    }

    [Fact]
    public void NewSecret_uses_the_whole_alphabet_and_never_repeats()
    {
        var seen = new HashSet<char>();
        var secrets = new HashSet<string>();
        for (var i = 0; i < 2000; i++)
        {
            var secret = CredentialSecrets.NewSecret(Id);
            Assert.True(secrets.Add(secret));
            foreach (var c in secret.AsSpan(CredentialSecrets.IdLength)) seen.Add(c);
        }
        // 88 000 draws from 62 symbols: every symbol appears (a missing one has probability ≈ 62·e^-1419).
        Assert.Equal(62, seen.Count);
    }

    [Fact]
    public void TryGetId_returns_the_credential_of_a_well_formed_secret()
    {
        var secret = CredentialSecrets.NewSecret(Id);
        Assert.True(CredentialSecrets.TryGetId(secret, out var id));
        Assert.Equal(Id, id);
    }

    [Fact]
    public void TryGetId_accepts_any_60_characters_of_the_right_alphabets()
    {
        Assert.True(CredentialSecrets.TryGetId("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstuvwx", out var id));
        Assert.Equal("abcdefghijklmnop", id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstuvwxy")] // 61 characters
    [InlineData("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstuvw")] // 59 characters
    [InlineData("ABCDEFGHIJKLMNOP0123456789ABCDEFGHIJabcdefghijklmnopqrstuvwx")] // upper-case id
    [InlineData("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstuv_x")] // '_' (base64url, not PrintableString)
    [InlineData("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstuv-x")] // '-'
    [InlineData("abcdefghijklmnop0123456789ABCDEFGHIJabcdefghijklmnopqrstu:wx")] // ':'
    public void TryGetId_refuses_malformed_secrets(string? secret)
    {
        Assert.False(CredentialSecrets.TryGetId(secret, out var id));
        Assert.Equal("", id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("ABCDEFGHIJKLMNOP")]
    [InlineData("abcdefghijklmno_")]
    public void NewSecret_refuses_a_malformed_id(string id) =>
        Assert.Throws<ArgumentException>(() => CredentialSecrets.NewSecret(id));
}
