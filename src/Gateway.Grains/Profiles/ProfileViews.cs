using Gateway.Contracts.Profiles;
using Gateway.Policy;
using Gateway.Store.Events;
using Gateway.Store.Records;

namespace Gateway.Grains.Profiles;

/// <summary>Stored profiles as the contracts show them.</summary>
internal static class ProfileViews
{
    /// <summary>The compiled form of the record's version: this silo's, when it holds that version, else compiled now; null if it does not compile.</summary>
    public static CompiledProfile? Compile(ProfileCatalogProvider catalog, ProfileRecord record)
    {
        if (catalog.TryGet(record.Name, record.Version, out var compiled)) return compiled;
        var parsed = ProfileDocument.Parse(record.Document, record.Name, record.Version, record.Id, catalog.ParseOptions);
        return parsed.Success ? parsed.Profiles[0] : null;
    }

    public static ProfileInfo Info(ProfileRecord record, CompiledProfile? compiled) => new(
        record.Name,
        record.Version,
        compiled?.Description ?? "",
        record.Document,
        record.Source,
        record.Author,
        record.CreatedAt,
        record.UpdatedAt,
        compiled is null ? [] : [.. compiled.Protocols.Select(p => p.ToString().ToLowerInvariant())],
        compiled?.AuthenticationMethods ?? [],
        record.SeedFile);

    public static ProfileVersionInfo Version(ProfileVersionCreated e) =>
        new(e.Version, e.Source, e.Author, e.At, e.Diff, e.Document, e.RolledBackTo, e.SeedFile, e.Sha256);
}
