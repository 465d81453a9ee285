namespace Gateway.Policy.Rules;

/// <summary>What to do with requested extensions other than SAN, keyUsage, extendedKeyUsage and basicConstraints.</summary>
internal enum RequestedExtensionMode
{
    /// <summary>Leave them out of the certificate.</summary>
    Ignore = 0,
    /// <summary>Copy those listed in copyAllowed; leave out the rest.</summary>
    Copy,
    /// <summary>Refuse the request.</summary>
    Refuse,
}
