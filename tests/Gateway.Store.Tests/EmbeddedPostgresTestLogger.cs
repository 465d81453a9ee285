using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Store.Tests;

/// <summary>Keeps every formatted log line so tests can assert on what the launcher reported.</summary>
public sealed class EmbeddedPostgresTestLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }

    public string? Ready() => Lines.LastOrDefault(l => l.Contains("Embedded PostgreSQL ready on", StringComparison.Ordinal));
}
