using Gateway.Protocols.Common;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Cmp;

/// <summary>External trust anchors for signature-protected CMP requests (<c>Gateway:Cmp:TrustAnchors</c>, <c>ProfileTrustAnchors</c>).</summary>
internal sealed class CmpTrustAnchors(IOptions<CmpOptions> options)
    : TrustAnchorSet(options.Value.TrustAnchors, options.Value.ProfileTrustAnchors, CmpOptions.Section, typeof(CmpOptions));
