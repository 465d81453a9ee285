namespace Gateway.Store;

/// <summary>Concurrent changes to profiles kept colliding with a seeding run; nothing of that run was written.</summary>
public sealed class ProfileConflictException(string message, Exception? inner = null) : Exception(message, inner);
