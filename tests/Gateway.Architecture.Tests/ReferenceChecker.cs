using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Gateway.Architecture.Tests;

/// <summary>
/// What a project file and its compiled assembly reference, and which of those references a rule forbids: the module
/// map's "may reference" column, checked the same way for every project and for the negative cases.
/// </summary>
public static class ReferenceChecker
{
    /// <summary>The project names of a csproj's ProjectReference items.</summary>
    public static IReadOnlyList<string> ProjectReferences(string csprojPath) =>
        [.. XDocument.Load(csprojPath).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))];

    /// <summary>The names of the assemblies a compiled assembly references (its metadata, without loading it).</summary>
    public static IReadOnlyList<string> AssemblyReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))];
    }

    /// <summary>The references to our own projects (<c>Gateway.*</c>) that <paramref name="allowed"/> does not list.</summary>
    public static IReadOnlyList<string> ForbiddenOwnReferences(IEnumerable<string> references, IEnumerable<string> allowed) =>
        [.. references.Where(r => r.StartsWith("Gateway.", StringComparison.Ordinal)).Except(allowed, StringComparer.Ordinal)];

    /// <summary>
    /// The references that are neither the platform (System.*, Microsoft.Win32.*, netstandard, mscorlib) nor one of
    /// <paramref name="packages"/>: for a project that may use the BCL and a few named libraries only.
    /// </summary>
    public static IReadOnlyList<string> BeyondPlatform(IEnumerable<string> references, IEnumerable<string> packages) =>
        [.. references.Where(r => !(r.StartsWith("System.", StringComparison.Ordinal) || r == "System"
            || r.StartsWith("Microsoft.Win32.", StringComparison.Ordinal) || r is "netstandard" or "mscorlib"))
            .Except(packages, StringComparer.Ordinal)];
}
