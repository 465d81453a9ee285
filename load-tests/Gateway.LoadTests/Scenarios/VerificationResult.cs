namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// The after-run check: of <see cref="Sampled"/> randomly chosen issued items, how many the server still knows.
/// <see cref="Missing"/> lists those answered 404; <see cref="Errors"/> those that got another answer or none.
/// </summary>
internal sealed record VerificationResult(
    string What, int Available, int Sampled, int Present, IReadOnlyList<string> Missing, IReadOnlyDictionary<string, int> Errors)
{
    public bool AllPresent => Present == Sampled;
}
