namespace Gateway.Protocols.Common;

/// <summary>
/// For protocols without a transaction id (EST): how long after issuance an identical request is answered with the
/// certificate already issued. After it, the same request starts the next enrollment of its chain (<see cref="ReplayChain"/>).
/// </summary>
public sealed record ReplayWindow(TimeSpan Window);
