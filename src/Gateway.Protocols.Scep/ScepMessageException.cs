using Gateway.Protocols.Common;

namespace Gateway.Protocols.Scep;

/// <summary>A SCEP message that cannot be processed, with the failInfo its CertRep carries.</summary>
internal sealed class ScepMessageException(ScepFailInfo failInfo, string message) : Exception(message)
{
    public ScepFailInfo FailInfo { get; } = failInfo;
}
