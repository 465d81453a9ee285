using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using Gateway.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

/// <summary>The key that encrypts credentials' raw secrets: configured or dev-generated, checked, never shown; and how secrets are compared.</summary>
public sealed class CredentialSecretProtectorTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-credkey-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private CredentialSecretProtector Create(string? key, ILogger<CredentialSecretProtector>? logger = null) => new(
        Options.Create(new CredentialOptions { EncryptionKey = key }),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DataDir"] = _dataDir }).Build(),
        logger ?? NullLogger<CredentialSecretProtector>.Instance);

    [Fact]
    public void Protect_then_unprotect_round_trips_and_binds_the_credential_id()
    {
        var protector = Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var blob = protector.Protect("aaaaaaaaaaaaaaaa", "the-secret");
        Assert.Equal("the-secret", protector.Unprotect("aaaaaaaaaaaaaaaa", protector.KeyId, blob, out _));
        // Moved to another credential, tampered with, or under another key: no secret, and a reason.
        Assert.Null(protector.Unprotect("bbbbbbbbbbbbbbbb", protector.KeyId, blob, out var moved));
        Assert.Contains("authenticate", moved);
        var tampered = (byte[])blob.Clone();
        tampered[^1] ^= 1;
        Assert.Null(protector.Unprotect("aaaaaaaaaaaaaaaa", protector.KeyId, tampered, out _));
        var other = Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Assert.NotEqual(protector.KeyId, other.KeyId);
        Assert.Null(other.Unprotect("aaaaaaaaaaaaaaaa", protector.KeyId, blob, out var wrongKey));
        Assert.Contains(protector.KeyId, wrongKey);
        Assert.Null(protector.Unprotect("aaaaaaaaaaaaaaaa", protector.KeyId, [1, 2, 3], out _));
        // Each encryption uses a fresh nonce.
        Assert.NotEqual(blob, protector.Protect("aaaaaaaaaaaaaaaa", "the-secret"));
    }

    [Fact]
    public void Without_a_configured_key_a_dev_key_file_is_created_0600_reused_and_warned_about()
    {
        var logger = new ListLogger();
        var first = Create(null, logger);
        var path = Path.Combine(_dataDir, CredentialSecretProtector.DevKeyFileName);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(path).Trim()).Length);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(CredentialOptions.EncryptionKeyOption, warning.Message);
        Assert.Contains(path, warning.Message);
        Assert.DoesNotContain(File.ReadAllText(path).Trim(), string.Concat(logger.Entries.Select(e => e.Message)));

        var second = Create(null);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal("s", second.Unprotect("cccccccccccccccc", first.KeyId, first.Protect("cccccccccccccccc", "s"), out _));
    }

    [Fact]
    public void A_damaged_dev_key_file_stops_the_start_naming_the_file_and_the_option()
    {
        Directory.CreateDirectory(_dataDir);
        File.WriteAllText(Path.Combine(_dataDir, CredentialSecretProtector.DevKeyFileName), "c2hvcnQ=\n");
        var ex = Assert.Throws<InvalidOperationException>(() => Create(null));
        Assert.Contains(CredentialSecretProtector.DevKeyFileName, ex.Message);
        Assert.Contains(CredentialOptions.EncryptionKeyOption, ex.Message);
    }

    [Theory]
    [InlineData("not base64 at all!!", "not base64")]
    [InlineData("c2hvcnQ=", "32 bytes")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj", "32 bytes")]
    public void A_malformed_configured_key_stops_the_start_naming_the_option_not_the_value(string key, string expected)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddGatewayCredentials(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CredentialOptions.EncryptionKeyOption] = key }).Build());
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<CredentialSecretProtector>());
        Assert.Contains(CredentialOptions.EncryptionKeyOption, ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain(key, ex.Message);
        // The constructor refuses it too when validation is bypassed.
        Assert.Throws<OptionsValidationException>(() => Create(key));
    }

    [Fact]
    public void A_configured_key_in_base64url_without_padding_is_accepted()
    {
        var raw = RandomNumberGenerator.GetBytes(32);
        var standard = Create(Convert.ToBase64String(raw));
        var urlSafe = Create(Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        Assert.Equal(standard.KeyId, urlSafe.KeyId);
        Assert.False(File.Exists(Path.Combine(_dataDir, CredentialSecretProtector.DevKeyFileName)));
    }

    [Fact]
    public void Secret_checks_compare_hashes_with_FixedTimeEquals()
    {
        var grains = typeof(CredentialSecretProtector).Assembly;
        var hash = grains.GetType("Gateway.Grains.CredentialSecretHash", throwOnError: true)!;
        var matches = hash.GetMethod("Matches", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;
        var called = CalledMethods(matches);
        Assert.Contains(called, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.DoesNotContain(called, m => m.Name is "SequenceEqual" or "Equals" or "op_Equality");

        // The grain's every secret check goes through it.
        var grain = grains.GetType("Gateway.Grains.CredentialGrain", throwOnError: true)!;
        var secretMatches = grain.GetMethod("SecretMatches", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.Contains(CalledMethods(secretMatches), m => m == matches);

        // And it works: same secret matches, any other does not.
        var salt = new byte[16];
        var computed = (byte[])hash.GetMethod("Compute", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(null, [salt, "s3cret"])!;
        Assert.True((bool)matches.Invoke(null, [salt, computed, "s3cret", "sha256-salted"])!);
        Assert.False((bool)matches.Invoke(null, [salt, computed, "s3creT", "sha256-salted"])!);
        Assert.False((bool)matches.Invoke(null, [salt, computed, "s3cret", "md5"])!);
    }

    /// <summary>The methods a method's IL calls (call/callvirt/newobj operands).</summary>
    private static List<MethodBase> CalledMethods(MethodBase method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var found = new List<MethodBase>();
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != OpCodes.Call.Value && il[i] != OpCodes.Callvirt.Value && il[i] != OpCodes.Newobj.Value) continue;
            var token = BitConverter.ToInt32(il, i + 1);
            try
            {
                if (method.Module.ResolveMethod(token, method.DeclaringType!.GetGenericArguments(), null) is { } m) found.Add(m);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException)
            {
                // Not a method token: the byte was part of another instruction's operand.
            }
        }
        return found;
    }

    private sealed class ListLogger : ILogger<CredentialSecretProtector>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
