namespace Gateway.LoadTests.Cli;

/// <summary>A command line the harness cannot run; the message says what to change.</summary>
internal sealed class UsageException(string message) : Exception(message);
