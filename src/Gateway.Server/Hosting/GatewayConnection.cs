namespace Gateway.Server.Hosting;

/// <summary>The PostgreSQL connection string in use (configured, or the embedded server's).</summary>
internal sealed record GatewayConnection(string ConnectionString, bool Embedded);
