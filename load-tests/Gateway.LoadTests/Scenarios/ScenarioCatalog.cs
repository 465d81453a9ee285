namespace Gateway.LoadTests.Scenarios;

/// <summary>The scenarios the command line can name. Add a new one here.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new AcmeIssueScenario(),
        new AdminEnrollScenario(),
        new CfsslSignScenario(),
        new CmpIrScenario(),
        new EstEnrollScenario(),
        new ScepEnrollScenario(),
    ];

    public static Scenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
