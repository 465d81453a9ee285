using System.Globalization;

namespace Gateway.Store;

/// <summary>Stream ids of the admin audit log: one stream per UTC day, <c>admin:&lt;yyyy-MM-dd&gt;</c>.</summary>
public static class AdminAuditStreams
{
    public const string Prefix = "admin:";

    public static string For(DateTimeOffset at) => Prefix + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
