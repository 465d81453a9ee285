using System.Globalization;

namespace Gateway.Store;

/// <summary>
/// Stream ids of the admin audit log: one stream per action, <c>admin:&lt;yyyy-MM-dd&gt;:&lt;random id&gt;</c>. (One stream
/// per day made every admin write — each admin enrollment included — append to the same stream row, which serialised
/// them: admin-enroll fell from 1,087 to 437 per second.) The log is read by event type, not by stream.
/// </summary>
public static class AdminAuditStreams
{
    public const string Prefix = "admin:";

    public static string For(DateTimeOffset at) =>
        Prefix + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ":" + Guid.NewGuid().ToString("N");
}
