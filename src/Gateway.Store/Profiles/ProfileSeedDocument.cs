namespace Gateway.Store;

/// <summary>One profile read from the policies directory: its name, its document (already validated by the caller) and the file it came from.</summary>
public sealed record ProfileSeedDocument(string Name, string Document, string File);
