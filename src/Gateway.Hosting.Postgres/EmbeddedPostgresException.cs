namespace Gateway.Hosting.Postgres;

/// <summary>The embedded PostgreSQL could not be found, initialised or started; the message says what to do.</summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException()
    {
    }

    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    public EmbeddedPostgresException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
