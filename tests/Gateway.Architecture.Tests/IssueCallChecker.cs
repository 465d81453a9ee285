using System.Reflection;

namespace Gateway.Architecture.Tests;

/// <summary>
/// Finds every method that calls the CA's signing entry point (<c>ICertificateAuthority.Issue</c> or
/// <c>CertificateAuthority.Issue</c>) by reading the call and callvirt instructions of every method body. Architecture
/// rule 5 allows two callers: the enrollment grain (which commits the certificate with its enrollment) and
/// <c>GatewayCertificates.Issue</c> (which records the gateway's own certificates); any other caller could sign a
/// certificate the store never hears of.
/// </summary>
public static class IssueCallChecker
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary><c>Type::Method</c> of every caller of Issue in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Callers(Assembly assembly)
    {
        var callers = new SortedSet<string>(StringComparer.Ordinal);
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types.Where(t => t is not null).ToArray()!;
        }
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                if (CallsIssue(method)) callers.Add($"{type.FullName}::{method.Name}");
            }
        }
        return [.. callers];
    }

    private static bool CallsIssue(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            return false;
        }
        if (il is null) return false;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            // call (0x28) and callvirt (0x6F) take a method token: MethodDef (0x06), MemberRef (0x0A) or MethodSpec (0x2B).
            if (il[i] is not (0x28 or 0x6F) || il[i + 4] is not (0x06 or 0x0A or 0x2B)) continue;
            var token = BitConverter.ToInt32(il, i + 1);
            MethodBase? called;
            try
            {
                called = method.Module.ResolveMethod(token, method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException or FileNotFoundException)
            {
                continue;
            }
            if (called is { Name: "Issue", DeclaringType.FullName: "Gateway.Ca.ICertificateAuthority" or "Gateway.Ca.CertificateAuthority" }) return true;
        }
        return false;
    }
}
