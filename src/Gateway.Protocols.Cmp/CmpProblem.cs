using Gateway.Protocols.Common;

namespace Gateway.Protocols.Cmp;

/// <summary>A request CMP answers with an error message: the PKIFailureInfo bit and a text safe to show the client.</summary>
internal sealed class CmpProblem(CmpFailureInfo failInfo, string message) : Exception(message)
{
    public CmpFailureInfo FailInfo { get; } = failInfo;
}
