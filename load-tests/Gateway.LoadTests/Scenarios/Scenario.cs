using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// One kind of enrollment traffic. A new protocol (SCEP, CMP, ACME) is one subclass registered in
/// <see cref="ScenarioCatalog"/>: <see cref="InitializeAsync"/> does the once-per-run setup (fetch the CA certificate
/// to encrypt to, create an ACME account, check credentials), <see cref="Prepare"/> builds each request body off the
/// clock (in parallel, once per pooled CSR), <see cref="ExecuteAsync"/> is the timed part (it may send several HTTP
/// requests, e.g. an ACME order), and <see cref="VerifyAsync"/> optionally checks after the run that what was
/// answered as issued really is recorded.
/// </summary>
internal abstract class Scenario
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>Once per run, before key generation. Throw <see cref="Cli.UsageException"/> for a missing option.</summary>
    public virtual Task InitializeAsync(ScenarioContext context, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Builds the body for one CSR. Called in parallel from several threads before the clock starts.</summary>
    public abstract PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context);

    /// <summary>The timed part: send, check the answer. Exceptions are counted by type by the runner.</summary>
    public abstract Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct);

    /// <summary>After the run: check a random sample of what was issued. Null when the scenario has nothing to check.</summary>
    public virtual Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct) =>
        Task.FromResult<VerificationResult?>(null);
}
