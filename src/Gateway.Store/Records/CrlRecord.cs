using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of a CRL stream: the last published CRL's number and times.</summary>
public sealed class CrlRecord
{
    public string Id { get; set; } = "";
    public string IssuerId { get; set; } = "";
    public long Number { get; set; }
    public DateTimeOffset ThisUpdate { get; set; }
    public DateTimeOffset NextUpdate { get; set; }
    public int Entries { get; set; }
    public DateTimeOffset PublishedAt { get; set; }

    public static CrlRecord Create(CrlPublished e)
    {
        var record = new CrlRecord { Id = RevocationQueries.CrlStreamId(e.IssuerId) };
        record.Apply(e);
        return record;
    }

    public void Apply(CrlPublished e)
    {
        IssuerId = e.IssuerId;
        Number = Math.Max(Number, e.Number);
        ThisUpdate = e.ThisUpdate;
        NextUpdate = e.NextUpdate;
        Entries = e.Entries;
        PublishedAt = e.At;
    }
}
