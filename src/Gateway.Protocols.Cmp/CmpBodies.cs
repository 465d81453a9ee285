using Gateway.Protocols.Common;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;

namespace Gateway.Protocols.Cmp;

/// <summary>Body types (RFC 9810 §5.1.2) and the PKIStatusInfo forms the responses use.</summary>
internal static class CmpBodies
{
    public const int Ir = PkiBody.TYPE_INIT_REQ;
    public const int Ip = PkiBody.TYPE_INIT_REP;
    public const int Cr = PkiBody.TYPE_CERT_REQ;
    public const int Cp = PkiBody.TYPE_CERT_REP;
    public const int P10cr = PkiBody.TYPE_P10_CERT_REQ;
    public const int Kur = PkiBody.TYPE_KEY_UPDATE_REQ;
    public const int Kup = PkiBody.TYPE_KEY_UPDATE_REP;
    public const int Rr = PkiBody.TYPE_REVOCATION_REQ;
    public const int Rp = PkiBody.TYPE_REVOCATION_REP;
    public const int PkiConf = PkiBody.TYPE_CONFIRM;
    public const int Genm = PkiBody.TYPE_GEN_MSG;
    public const int Genp = PkiBody.TYPE_GEN_REP;
    public const int Error = PkiBody.TYPE_ERROR;
    public const int CertConf = PkiBody.TYPE_CERT_CONFIRM;
    public const int PollReq = PkiBody.TYPE_POLL_REQ;
    public const int PollRep = PkiBody.TYPE_POLL_REP;

    public static string Name(int type) => type switch
    {
        Ir => "ir", Ip => "ip", Cr => "cr", Cp => "cp", P10cr => "p10cr", Kur => "kur", Kup => "kup", Rr => "rr", Rp => "rp",
        PkiConf => "pkiConf", Genm => "genm", Genp => "genp", Error => "error", CertConf => "certConf", PollReq => "pollReq", PollRep => "pollRep",
        _ => $"body type {type}",
    };

    /// <summary>The response body type of an enrollment request body type.</summary>
    public static int ResponseTo(int requestType) => requestType switch
    {
        Ir => Ip,
        Kur => Kup,
        _ => Cp,
    };

    public static PkiStatusInfo Accepted { get; } = new((int)PkiStatus.Granted);

    public static PkiStatusInfo Waiting(string? text = null) =>
        text is null ? new PkiStatusInfo((int)PkiStatus.Waiting) : new PkiStatusInfo((int)PkiStatus.Waiting, new PkiFreeText(text));

    /// <summary>A rejection with one failure bit (RFC 9810 §5.2.3 bit numbers) and a text.</summary>
    public static PkiStatusInfo Rejection(CmpFailureInfo failInfo, string text) =>
        new((int)PkiStatus.Rejection, new PkiFreeText(text), new PkiFailureInfo(FailureBits(failInfo)));

    /// <summary>BouncyCastle's int form of a named BIT STRING bit: bit n is 0x80 &gt;&gt; (n % 8) in byte n / 8 (bytes little-endian in the int).</summary>
    internal static int FailureBits(CmpFailureInfo failInfo)
    {
        var n = (int)failInfo;
        return (0x80 >> (n % 8)) << (8 * (n / 8));
    }
}
