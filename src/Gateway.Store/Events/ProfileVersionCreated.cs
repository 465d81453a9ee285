namespace Gateway.Store.Events;

/// <summary>
/// One version of a policy profile (stream <c>profile:&lt;name&gt;</c>, one event per version, so the stream version is
/// the profile version). <see cref="Source"/> is <c>seed:&lt;file&gt;</c> (seeded at start from the policies directory),
/// <c>reload</c> (re-read through the API; <see cref="SeedFile"/> names the file), <c>api</c> or <c>rollback:&lt;n&gt;</c>.
/// <see cref="Diff"/> is a unified line diff against the previous version (against nothing for version 1).
/// </summary>
public sealed record ProfileVersionCreated(
    string Name,
    int Version,
    string Document,
    string Source,
    string Author,
    string Diff,
    string Sha256,
    string? SeedFile,
    int? RolledBackTo,
    DateTimeOffset At);
