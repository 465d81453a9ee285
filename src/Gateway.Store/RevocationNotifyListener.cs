using Gateway.Store.Events;
using Marten;

namespace Gateway.Store;

/// <summary>
/// Adds <c>pg_notify(channel, serials)</c> to every Marten transaction that appends <see cref="CertificateRevoked"/> or
/// <see cref="CertificateHoldReleased"/>: PostgreSQL delivers it to every listening node when, and only when, that
/// transaction commits (<see cref="RevocationFeed"/> listens). No revocation can be committed without its notification.
/// </summary>
internal sealed class RevocationNotifyListener(string channel) : DocumentSessionListenerBase
{
    /// <summary>NOTIFY payloads must stay below 8000 bytes; serials are at most 64 hex digits.</summary>
    private const int MaxPayload = 7000;

    /// <summary>The events this listener acts on: a commit holding one must go through Marten's session.</summary>
    public static readonly IReadOnlyList<Type> NotifyingEvents = [typeof(CertificateRevoked), typeof(CertificateHoldReleased)];

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        List<string>? serials = null;
        foreach (var stream in session.PendingChanges.Streams())
        {
            foreach (var e in stream.Events)
            {
                var serial = e.Data switch
                {
                    CertificateRevoked r => r.Serial,
                    CertificateHoldReleased h => h.Serial,
                    _ => null,
                };
                if (serial is not null) (serials ??= []).Add(serial);
            }
        }
        if (serials is null) return Task.CompletedTask;

        var payload = new System.Text.StringBuilder();
        foreach (var serial in serials.Distinct(StringComparer.Ordinal))
        {
            if (payload.Length > 0 && payload.Length + serial.Length + 1 > MaxPayload)
            {
                session.QueueSqlCommand("select pg_notify(?, ?)", channel, payload.ToString());
                payload.Clear();
            }
            if (payload.Length > 0) payload.Append(',');
            payload.Append(serial);
        }
        session.QueueSqlCommand("select pg_notify(?, ?)", channel, payload.ToString());
        return Task.CompletedTask;
    }
}
