using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of one quota slot's stream: when it was last taken, by which enrollment, and the stream's version.</summary>
public sealed class QuotaSlotRecord
{
    public string Id { get; set; } = "";
    public string Key { get; set; } = "";
    public int Slot { get; set; }
    public long Version { get; set; }
    public DateTimeOffset LastTakenAt { get; set; }
    public string EnrollmentId { get; set; } = "";

    public static QuotaSlotRecord Create(QuotaSlotTaken e)
    {
        var record = new QuotaSlotRecord { Id = QuotaSlotStreams.For(e.Key, e.Slot), Key = e.Key, Slot = e.Slot };
        record.Apply(e);
        return record;
    }

    public void Apply(QuotaSlotTaken e)
    {
        Version++;
        LastTakenAt = e.At;
        EnrollmentId = e.EnrollmentId;
    }
}
