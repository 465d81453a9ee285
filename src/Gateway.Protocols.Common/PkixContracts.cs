using Gateway.Contracts;
using Gateway.Pkix;

namespace Gateway.Protocols.Common;

/// <summary>
/// Gateway.Pkix's parse results as the plain Contracts types that cross grain boundaries (Pkix references nothing of
/// ours, so it cannot return them itself).
/// </summary>
public static class PkixContracts
{
    public static KeyDescription ToContract(this PublicKeyDescription key) => new(key.Algorithm, key.SizeBits, key.Curve);

    public static SubjectAltName ToContract(this SubjectAltNameEntry name) => new(name.Kind switch
    {
        SubjectAltNameKind.Dns => SubjectAltNameType.Dns,
        SubjectAltNameKind.Ip => SubjectAltNameType.Ip,
        SubjectAltNameKind.Email => SubjectAltNameType.Email,
        SubjectAltNameKind.Uri => SubjectAltNameType.Uri,
        SubjectAltNameKind.Upn => SubjectAltNameType.Upn,
        _ => SubjectAltNameType.Other,
    }, name.Value);

    public static IReadOnlyList<SubjectAltName> ToContracts(this IReadOnlyList<SubjectAltNameEntry> names) => [.. names.Select(ToContract)];

    public static IReadOnlyList<ExtensionData> ToContracts(this IReadOnlyList<RequestedExtension> extensions) =>
        [.. extensions.Select(e => new ExtensionData(e.Oid, e.Critical, e.Value))];
}
