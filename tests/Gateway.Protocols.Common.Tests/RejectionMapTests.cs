using Gateway.Contracts;

namespace Gateway.Protocols.Common.Tests;

/// <summary>The one reason → protocol map: every reason has a deliberate answer in every protocol's terms.</summary>
public sealed class RejectionMapTests
{
    // reason, EST HTTP status, SCEP failInfo, CMP PKIFailureInfo, ACME problem type (after urn:ietf:params:acme:error:)
    public static TheoryData<RejectionReason, int, ScepFailInfo, CmpFailureInfo, string> Table => new()
    {
        { RejectionReason.BadRequest, 400, ScepFailInfo.BadRequest, CmpFailureInfo.BadDataFormat, "badCSR" },
        { RejectionReason.BadSignature, 400, ScepFailInfo.BadRequest, CmpFailureInfo.BadPop, "badCSR" },
        { RejectionReason.UnknownProfile, 404, ScepFailInfo.BadRequest, CmpFailureInfo.BadRequest, "invalidProfile" },
        { RejectionReason.Unauthorized, 403, ScepFailInfo.BadRequest, CmpFailureInfo.NotAuthorized, "unauthorized" },
        { RejectionReason.BadKey, 403, ScepFailInfo.BadRequest, CmpFailureInfo.BadCertTemplate, "badPublicKey" },
        { RejectionReason.BadName, 403, ScepFailInfo.BadRequest, CmpFailureInfo.BadCertTemplate, "rejectedIdentifier" },
        { RejectionReason.PolicyDenied, 403, ScepFailInfo.BadRequest, CmpFailureInfo.NotAuthorized, "unauthorized" },
        { RejectionReason.RateLimited, 429, ScepFailInfo.BadRequest, CmpFailureInfo.SystemUnavail, "rateLimited" },
        { RejectionReason.BadRenewal, 403, ScepFailInfo.BadCertId, CmpFailureInfo.BadCertId, "unauthorized" },
        { RejectionReason.Denied, 403, ScepFailInfo.BadRequest, CmpFailureInfo.NotAuthorized, "unauthorized" },
        { RejectionReason.Unavailable, 503, ScepFailInfo.BadRequest, CmpFailureInfo.SystemUnavail, "serverInternal" },
        { RejectionReason.BadAlgorithm, 400, ScepFailInfo.BadAlg, CmpFailureInfo.BadAlg, "badSignatureAlgorithm" },
        { RejectionReason.BadCertTemplate, 400, ScepFailInfo.BadRequest, CmpFailureInfo.BadCertTemplate, "badCSR" },
        { RejectionReason.BadTime, 400, ScepFailInfo.BadTime, CmpFailureInfo.BadTime, "malformed" },
        { RejectionReason.BadMessageCheck, 400, ScepFailInfo.BadMessageCheck, CmpFailureInfo.BadMessageCheck, "malformed" },
        { RejectionReason.TransactionIdInUse, 409, ScepFailInfo.BadRequest, CmpFailureInfo.TransactionIdInUse, "malformed" },
        { RejectionReason.UnknownCertificateId, 404, ScepFailInfo.BadCertId, CmpFailureInfo.BadCertId, "malformed" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Map_everyReason_answersInEachProtocolsTerms(RejectionReason reason, int http, ScepFailInfo scep, CmpFailureInfo cmp, string acme)
    {
        Assert.Equal(http, RejectionMap.HttpStatus(reason));
        Assert.Equal(scep, RejectionMap.ScepFailInfo(reason));
        Assert.Equal(cmp, RejectionMap.CmpFailureInfo(reason));
        Assert.Equal("urn:ietf:params:acme:error:" + acme, RejectionMap.AcmeProblemType(reason));
    }

    [Fact]
    public void Table_coversEveryRejectionReason()
    {
        var covered = Table.Select(row => (RejectionReason)row[0]).ToHashSet();

        Assert.Equal(Enum.GetValues<RejectionReason>().ToHashSet(), covered);
    }

    [Fact]
    public void Map_reasonWithoutEntry_throwsNamingIt()
    {
        var unknown = (RejectionReason)999;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RejectionMap.HttpStatus(unknown));
        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => RejectionMap.ScepFailInfo(unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => RejectionMap.CmpFailureInfo(unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => RejectionMap.AcmeProblemType(unknown));
    }

    [Theory]
    [InlineData(RejectionReason.Unavailable, true)]
    [InlineData(RejectionReason.PolicyDenied, false)]
    [InlineData(RejectionReason.BadRequest, false)]
    public void RetryAfter_onlyForReasonsThatSayTryAgain(RejectionReason reason, bool expected)
    {
        Assert.Equal(expected, RejectionMap.RetryAfter(reason) is { TotalSeconds: > 0 });
    }
}
