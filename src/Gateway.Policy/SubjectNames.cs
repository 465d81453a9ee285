using Gateway.Pkix;

namespace Gateway.Policy;

/// <summary>
/// The common names of a requested subject, read as the policy reads names: every attribute of every RDN, multi-valued
/// RDNs included (<c>CN=dev2.test+OU=x</c> names dev2.test). For checks outside policy, such as a credential's subjects.
/// </summary>
public static class SubjectNames
{
    /// <summary>
    /// Adds every CN value of <paramref name="subjectDer"/> to <paramref name="commonNames"/>; false with a reason when
    /// the Name does not decode or a CN is not a character string.
    /// </summary>
    public static bool TryReadCommonNames(ReadOnlyMemory<byte> subjectDer, List<string> commonNames, out string error)
    {
        ArgumentNullException.ThrowIfNull(commonNames);
        var attributes = new List<KeyValuePair<string, string>>();
        var nonString = new List<string>();
        if (!Rules.NameReader.TryRead(subjectDer, attributes, nonString))
        {
            error = "the subject is not a valid DER-encoded Name";
            return false;
        }
        if (nonString.Contains(Oids.CommonName))
        {
            error = "the subject's CN is not a string";
            return false;
        }
        error = string.Empty;
        foreach (var attribute in attributes)
        {
            if (attribute.Key == Oids.CommonName) commonNames.Add(attribute.Value);
        }
        return true;
    }
}
