using DiffPlex.Renderer;

namespace Gateway.Store;

/// <summary>Unified line diffs between two versions of a profile document (DiffPlex, three lines of context).</summary>
public static class ProfileDiff
{
    /// <summary>
    /// The unified diff from <paramref name="before"/> (null for the first version) to <paramref name="after"/>, with
    /// headers <c>--- v{n-1}</c> / <c>+++ v{n}</c>; empty when the texts are equal.
    /// </summary>
    public static string Unified(string? before, string after, int version)
    {
        ArgumentNullException.ThrowIfNull(after);
        var old = Trim(before ?? "");
        var @new = Trim(after);
        if (old == @new) return "";
        var oldName = before is null ? "/dev/null" : $"v{version - 1}";
        return UnidiffRenderer.GenerateUnidiff(old, @new, oldName, $"v{version}", ignoreWhitespace: false, ignoreCase: false, contextLines: 3);
    }

    // A final newline would show as an extra empty context line.
    private static string Trim(string text) => text.EndsWith('\n') ? text[..^1] : text;
}
