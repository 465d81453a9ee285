using Gateway.Policy;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Profiles;

/// <summary>Checks <see cref="PolicyOptions.AllowSensitiveExtendedKeyUsages"/> at start; the message names the option.</summary>
internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options) =>
        ProfileParseOptions.TryCreate(options.AllowSensitiveExtendedKeyUsages, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(error);
}
