namespace Gateway.LoadTests.Scenarios;

/// <summary>Something a scenario was told it got (a certificate serial) and the node that said so.</summary>
internal sealed record IssuedItem(string Id, Uri BaseUrl);
