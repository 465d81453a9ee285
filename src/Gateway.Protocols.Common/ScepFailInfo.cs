namespace Gateway.Protocols.Common;

/// <summary>SCEP failInfo values (RFC 8894 §3.2.1.4.5), as the CertRep's failInfo attribute writes them (a decimal string).</summary>
public enum ScepFailInfo
{
    BadAlg = 0,
    BadMessageCheck = 1,
    BadRequest = 2,
    BadTime = 3,
    BadCertId = 4,
}
