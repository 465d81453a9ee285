using Gateway.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains;

/// <summary>Holds the compiled profile catalog loaded from the policies directory (section <c>Gateway:Policies</c>).</summary>
public sealed class PolicyCatalogProvider
{
    private volatile ProfileCatalog _current;

    public PolicyCatalogProvider(IOptions<PolicyOptions> options, ILogger<PolicyCatalogProvider> logger)
    {
        var path = options.Value.ResolvePath();
        var result = ProfileCatalog.LoadDirectory(path);
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"The policies in '{path}' (Gateway:Policies:Path) have errors:{Environment.NewLine}" +
                string.Join(Environment.NewLine, result.Errors.Select(e => "  " + e)));
        }
        _current = result.Catalog!;
        logger.LogInformation("Loaded {Count} policy profiles from {Path}: {Names}", _current.Profiles.Count, path,
            string.Join(", ", _current.Profiles.Select(p => p.Name)));
    }

    public ProfileCatalog Current => _current;
}
