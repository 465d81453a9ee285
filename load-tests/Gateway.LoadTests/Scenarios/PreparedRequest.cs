namespace Gateway.LoadTests.Scenarios;

/// <summary>A request body built before the clock starts, so the timed path only sends bytes.</summary>
internal sealed record PreparedRequest(string DnsName, byte[] Body);
