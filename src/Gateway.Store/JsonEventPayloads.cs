using System.Buffers;
using Gateway.Store.Events;
using Marten;

namespace Gateway.Store;

/// <summary>
/// The enrollment's events (requested, approved, pending, rejected, fulfilled) and <c>certificate_issued</c>: their
/// payload is the same UTF-8 JSON the store's serializer writes for any event, kept in <c>mt_events.bdata</c> (bytea)
/// through Marten's binary event serialization, with Marten's <c>'{}'</c> placeholder in <c>data</c>. Every
/// enrollment writes these four to six events. As <c>jsonb</c>, PostgreSQL parsed each payload into its binary form
/// on the way in (its JSON lexer copies strings one character at a time, and these payloads are mostly base64 and reason
/// text): about a sixth of PostgreSQL's CPU per enrollment. As bytea it copies them. The database never filtered on
/// these payloads on the write path; the few readers that do (the audit log, a certificate's DER) read
/// <see cref="Sql"/>. In SQL: <c>convert_from(bdata, 'UTF8')::jsonb</c>.
/// <para>
/// Rows written before (JSON in <c>data</c>, <c>bdata</c> null) keep reading through Marten's JSON path: the row, not
/// the type, says which form it holds.
/// </para>
/// </summary>
public sealed class JsonEventPayloads(ISerializer serializer) : Marten.Events.IEventBinarySerializer
{
    /// <summary>The store's own serializer: the bytes are the JSON Marten would have put into <c>data</c>.</summary>
    internal ISerializer Serializer { get; } = serializer;

    /// <summary>
    /// SQL for an event row's payload as jsonb, whichever form the row holds (<paramref name="alias"/>: the
    /// <c>mt_events</c> row's alias).
    /// </summary>
    public static string Sql(string alias) =>
        $"(case when {alias}.bdata is null then {alias}.data else convert_from({alias}.bdata, 'UTF8')::jsonb end)";

    public byte[] Serialize(Type type, object data)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        Serializer.WriteTo(buffer, data);
        return buffer.WrittenSpan.ToArray();
    }

    public object Deserialize(Type type, byte[] data)
    {
        using var stream = new MemoryStream(data, writable: false);
        return Serializer.FromJson(type, stream);
    }

    /// <summary>
    /// Registers the enrollment's events and <c>certificate_issued</c> with Marten's binary event serialization on
    /// <paramref name="opts"/>. The payload must never be empty: the set-based writer stores an empty one as null
    /// (a JSON row); this serializer's JSON is at least <c>{}</c>.
    /// </summary>
    internal static void Register(StoreOptions opts)
    {
        var payloads = new JsonEventPayloads(opts.Serializer());
        opts.Events
            .UseBinarySerializer<EnrollmentRequested>(payloads)
            .UseBinarySerializer<EnrollmentApproved>(payloads)
            .UseBinarySerializer<EnrollmentPending>(payloads)
            .UseBinarySerializer<EnrollmentRejected>(payloads)
            .UseBinarySerializer<EnrollmentFulfilled>(payloads)
            .UseBinarySerializer<CertificateIssued>(payloads);
    }
}
