using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>Validates <see cref="OcspOptions"/> at start; every message names the option.</summary>
internal sealed class OcspOptionsValidator : IValidateOptions<OcspOptions>
{
    private const string Prefix = OcspOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, OcspOptions options)
    {
        var errors = new List<string>();
        if (options.ResponseValidity < TimeSpan.FromMinutes(1) || options.ResponseValidity > TimeSpan.FromDays(7))
        {
            errors.Add($"{Prefix}{nameof(OcspOptions.ResponseValidity)} {options.ResponseValidity} is not between 00:01:00 and 7.00:00:00.");
        }

        if (options.SigningCertificateLifetime > TimeSpan.FromDays(90) || options.SigningCertificateLifetime < 2 * options.ResponseValidity)
        {
            errors.Add($"{Prefix}{nameof(OcspOptions.SigningCertificateLifetime)} {options.SigningCertificateLifetime} must be at least twice " +
                $"{Prefix}{nameof(OcspOptions.ResponseValidity)} ({options.ResponseValidity}) and at most 90 days.");
        }

        if (options.CacheSize is < 0 or > 10_000_000)
        {
            errors.Add($"{Prefix}{nameof(OcspOptions.CacheSize)} {options.CacheSize} is not between 0 and 10000000.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
