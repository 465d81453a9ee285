using System.Net.Http.Headers;
using System.Text;
using Gateway.LoadTests.Cli;

namespace Gateway.LoadTests.Scenarios;

/// <summary>What every scenario shares for a run: the one HTTP client and the options.</summary>
internal sealed class ScenarioContext(HttpClient client, HarnessOptions options)
{
    public HttpClient Client { get; } = client;

    public HarnessOptions Options { get; } = options;

    /// <summary><c>Authorization: Bearer &lt;api key&gt;</c>, or null when no key was given.</summary>
    public AuthenticationHeaderValue? Bearer { get; } =
        options.ApiKey is null ? null : new AuthenticationHeaderValue("Bearer", options.ApiKey);

    /// <summary><c>Authorization: Basic ...</c> for EST, or null when no user was given.</summary>
    public AuthenticationHeaderValue? Basic { get; } =
        options.EstUser is null
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.EstUser + ":" + (options.EstPassword ?? ""))));
}
