namespace Gateway.Server.Hosting;

/// <summary>A configuration or environment problem that stops the start, with a message naming what to fix.</summary>
public sealed class GatewayStartupException(string message, Exception? inner = null) : Exception(message, inner);
