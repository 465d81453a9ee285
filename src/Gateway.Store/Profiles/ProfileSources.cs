using System.Globalization;

namespace Gateway.Store;

/// <summary>The <c>source</c> of a profile version: where its document came from.</summary>
public static class ProfileSources
{
    public const string Api = "api";
    public const string Reload = "reload";
    public const string SeedPrefix = "seed:";
    public const string RollbackPrefix = "rollback:";

    public static string Seed(string file) => SeedPrefix + file;

    public static string Rollback(int version) => RollbackPrefix + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seeded at start or reloaded: a later change of the file may replace it. API changes and rollbacks are kept.</summary>
    public static bool IsFile(string source) => source == Reload || source.StartsWith(SeedPrefix, StringComparison.Ordinal);
}
