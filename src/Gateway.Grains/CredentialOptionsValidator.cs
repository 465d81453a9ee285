using Microsoft.Extensions.Options;

namespace Gateway.Grains;

/// <summary>Refuses a malformed <see cref="CredentialOptions.EncryptionKey"/> with a message that names the option and never shows the value.</summary>
internal sealed class CredentialOptionsValidator : IValidateOptions<CredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialOptions options)
    {
        if (string.IsNullOrEmpty(options.EncryptionKey)) return ValidateOptionsResult.Success;
        return CredentialSecretProtector.TryDecodeKey(options.EncryptionKey, out _, out var problem)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{CredentialOptions.EncryptionKeyOption} {problem}");
    }
}
