using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>An authenticated EST client: who (for the enrollment's requester) and, when it presented one of the gateway's own certificates, that certificate and its serial.</summary>
internal sealed record EstCaller(Requester Requester, string? CurrentSerial, X509Certificate2? Certificate);
