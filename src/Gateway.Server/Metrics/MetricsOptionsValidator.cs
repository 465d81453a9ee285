using Microsoft.Extensions.Options;

namespace Gateway.Server.Metrics;

/// <summary>Every <c>Gateway:Metrics:AllowedNetworks</c> entry must be an IP address or a CIDR network.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            if (!MetricsAccess.TryParseNetwork(options.AllowedNetworks[i], out _))
            {
                failures.Add($"{MetricsOptions.Section}:AllowedNetworks:{i} '{options.AllowedNetworks[i]}' is not an IP address or a CIDR network (e.g. 10.0.0.0/24).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
