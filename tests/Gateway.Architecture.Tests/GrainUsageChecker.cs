using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Gateway.Architecture.Tests;

/// <summary>
/// Reads an assembly's type references (System.Reflection.Metadata, the IL's own tables) and reports every use of the
/// Orleans client surface a protocol front-end must not touch: <c>IGrainFactory</c>, <c>IClusterClient</c>, any grain
/// base type, and any grain interface (a type deriving from Orleans' <c>IAddressable</c>, e.g. through
/// <c>IGrainWithStringKey</c>), wherever it is declared.
/// </summary>
public static class GrainUsageChecker
{
    private static readonly HashSet<string> ForbiddenOrleansTypes = new(StringComparer.Ordinal)
    {
        "Orleans.IGrainFactory",
        "Orleans.IClusterClient",
        "Orleans.Grain",
        "Orleans.IGrain",
        "Orleans.IAddressable",
        "Orleans.Runtime.IAddressable",
        "Orleans.IGrainWithStringKey",
        "Orleans.IGrainWithIntegerKey",
        "Orleans.IGrainWithGuidKey",
        "Orleans.IGrainWithGuidCompoundKey",
        "Orleans.IGrainWithIntegerCompoundKey",
    };

    /// <summary>The forbidden types <paramref name="assemblyPath"/> references, by full name (empty when none).</summary>
    public static IReadOnlyList<string> Violations(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var directory = Path.GetDirectoryName(assemblyPath)!;
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var reference = metadata.GetTypeReference(handle);
            var name = FullName(metadata, reference);
            if (ForbiddenOrleansTypes.Contains(name))
            {
                found.Add(name);
                continue;
            }
            if (reference.ResolutionScope.Kind == HandleKind.AssemblyReference)
            {
                var assemblyName = metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name);
                if (assemblyName.StartsWith("Gateway.", StringComparison.Ordinal) && IsGrainInterface(directory, assemblyName, name)) found.Add(name);
            }
        }
        return [.. found];
    }

    private static string FullName(MetadataReader metadata, TypeReference reference)
    {
        var name = metadata.GetString(reference.Name);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return FullName(metadata, metadata.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope)) + "+" + name;
        }
        var ns = metadata.GetString(reference.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Whether the referenced type (in one of our assemblies next to the checked one) is a grain interface.</summary>
    private static bool IsGrainInterface(string directory, string assemblyName, string typeName)
    {
        var path = Path.Combine(directory, assemblyName + ".dll");
        if (!File.Exists(path)) return false;
        var type = Assembly.LoadFrom(path).GetType(typeName, throwOnError: false);
        return type is not null && type.IsInterface && type.GetInterfaces().Any(i => i.Name == "IAddressable" && i.Namespace!.StartsWith("Orleans", StringComparison.Ordinal));
    }
}
