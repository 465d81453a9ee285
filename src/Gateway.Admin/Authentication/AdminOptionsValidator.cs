using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Authentication;

/// <summary>Validates <see cref="AdminOptions"/> at start; every message names the option.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public const int MaxAuthFailureLimit = 100_000;
    public static readonly TimeSpan MaxAuthFailureWindow = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        const string prefix = AdminOptions.Section + ":";
        var errors = new List<string>();
        if (options.AuthFailureLimit is < 1 or > MaxAuthFailureLimit)
        {
            errors.Add($"{prefix}{nameof(AdminOptions.AuthFailureLimit)} {options.AuthFailureLimit} is not between 1 and {MaxAuthFailureLimit}.");
        }
        if (options.AuthFailureWindow < TimeSpan.FromSeconds(1) || options.AuthFailureWindow > MaxAuthFailureWindow)
        {
            errors.Add($"{prefix}{nameof(AdminOptions.AuthFailureWindow)} {options.AuthFailureWindow} is not between 00:00:01 and 1.00:00:00.");
        }
        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _))
            {
                errors.Add($"{prefix}{nameof(AdminOptions.TrustedProxies)}:{i} '{options.TrustedProxies[i]}' is not an IP address.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
