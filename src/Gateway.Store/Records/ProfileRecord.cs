using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of a profile stream: the current version and its document.</summary>
public sealed class ProfileRecord
{
    /// <summary>The stream id, <c>profile:&lt;lower-case name&gt;</c>.</summary>
    public string Id { get; set; } = "";
    /// <summary>The name as the current document spells it.</summary>
    public string Name { get; set; } = "";
    public int Version { get; set; }
    public string Document { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public string Source { get; set; } = "";
    public string Author { get; set; } = "";
    public string? SeedFile { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether the current version came from a file in the policies directory (seeded or reloaded), not from the API or a rollback.</summary>
    public bool IsFromFile => ProfileSources.IsFile(Source);

    public static ProfileRecord Create(ProfileVersionCreated e) => new()
    {
        Id = ProfileStreams.For(e.Name),
        Name = e.Name,
        Version = e.Version,
        Document = e.Document,
        Sha256 = e.Sha256,
        Source = e.Source,
        Author = e.Author,
        SeedFile = e.SeedFile,
        CreatedAt = e.At,
        UpdatedAt = e.At,
    };

    public void Apply(ProfileVersionCreated e)
    {
        Name = e.Name;
        Version = e.Version;
        Document = e.Document;
        Sha256 = e.Sha256;
        Source = e.Source;
        Author = e.Author;
        SeedFile = e.SeedFile;
        UpdatedAt = e.At;
    }
}
