using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>An authenticated EST client: who (for the enrollment's requester) and, when it presented one of the gateway's own certificates, that certificate's serial.</summary>
internal sealed record EstCaller(Requester Requester, string? CurrentSerial, System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate);
