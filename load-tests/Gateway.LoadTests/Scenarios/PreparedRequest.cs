namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// A request body built before the clock starts, so the timed path only sends bytes, and the SubjectPublicKeyInfo
/// (DER) the answer's certificate must carry.
/// </summary>
internal sealed record PreparedRequest(string DnsName, byte[] Body, byte[] SubjectPublicKeyInfo);
