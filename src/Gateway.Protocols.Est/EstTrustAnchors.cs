using Gateway.Protocols.Common;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Est;

/// <summary>Manufacturer (IDevID) trust anchors for EST TLS client certificates (<c>Gateway:Est:TrustAnchors</c>, <c>ProfileTrustAnchors</c>).</summary>
internal sealed class EstTrustAnchors(IOptions<EstOptions> options)
    : TrustAnchorSet(options.Value.TrustAnchors, options.Value.ProfileTrustAnchors, EstOptions.Section, typeof(EstOptions));
