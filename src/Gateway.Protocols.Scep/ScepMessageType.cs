namespace Gateway.Protocols.Scep;

/// <summary>SCEP messageType values (RFC 8894 §3.2.1.2), carried as a PrintableString of the decimal number.</summary>
public enum ScepMessageType
{
    CertRep = 3,
    RenewalReq = 17,
    UpdateReq = 18,
    PkcsReq = 19,
    CertPoll = 20,
    GetCert = 21,
    GetCrl = 22,
}
