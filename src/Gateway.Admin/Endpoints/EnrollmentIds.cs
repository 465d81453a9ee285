using Gateway.Contracts;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// Enrollment ids as they appear in a path: <c>&lt;protocol&gt;:&lt;transaction id&gt;</c> (see <see cref="EnrollmentKeys"/>).
/// ASP.NET Core decodes every escape in a route value except <c>%2F</c>, which is decoded here so an id with a '/'
/// (SCEP transaction ids may be base64) can be addressed as one encoded segment.
/// </summary>
internal static class EnrollmentIds
{
    public const int MaxLength = 300;

    private static readonly HashSet<string> Protocols = new(Enum.GetValues<EnrollmentProtocol>().Select(p => p.ToString().ToLowerInvariant()), StringComparer.Ordinal);

    public static bool TryNormalise(string? routeValue, out string id, out string error)
    {
        id = "";
        error = "";
        if (string.IsNullOrEmpty(routeValue))
        {
            error = "The enrollment id is empty.";
            return false;
        }
        var value = routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (value.Length > MaxLength || colon <= 0 || colon == value.Length - 1 || value.Any(char.IsControl) || !Protocols.Contains(value[..colon]))
        {
            error = $"An enrollment id is '<protocol>:<transaction id>' (protocol one of {string.Join(", ", Protocols.Order(StringComparer.Ordinal))}), at most {MaxLength} characters, URL-encoded as one path segment.";
            return false;
        }
        id = value;
        return true;
    }
}
