namespace Gateway.Policy;

/// <summary>
/// The outcome of parsing one source: either the compiled profiles (no errors) or the errors (no profiles).
/// </summary>
public sealed class ProfileParseResult
{
    internal ProfileParseResult(IReadOnlyList<CompiledProfile> profiles, IReadOnlyList<PolicyError> errors)
    {
        Profiles = errors.Count == 0 ? profiles : [];
        Errors = errors;
    }

    /// <summary>The compiled profiles; empty when there is any error.</summary>
    public IReadOnlyList<CompiledProfile> Profiles { get; }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    public bool Success => Errors.Count == 0;
}
