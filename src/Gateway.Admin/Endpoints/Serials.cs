namespace Gateway.Admin.Endpoints;

internal static class Serials
{
    /// <summary>Serials are lowercase hex without separators; lookups accept any case and colon/space separators.</summary>
    public static bool TryNormalise(string? input, out string serial)
    {
        serial = "";
        if (string.IsNullOrWhiteSpace(input)) return false;
        var s = input.Replace(":", "").Replace(" ", "").ToLowerInvariant();
        if (s.Length is 0 or > 64 || !s.All(Uri.IsHexDigit)) return false;
        serial = s;
        return true;
    }
}
