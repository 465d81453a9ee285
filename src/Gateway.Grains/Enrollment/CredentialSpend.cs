using Gateway.Contracts.Credentials;
using Gateway.Store;
using Gateway.Store.Events;

namespace Gateway.Grains.Enrollment;

/// <summary>A credential use reserved for an enrollment, spent by appending to the credential's stream in the issuance commit.</summary>
internal sealed record CredentialSpend(string CredentialId, CredentialUse Use, CredentialReservation Reservation)
{
    public string StreamId => CredentialStreams.For(CredentialId);

    /// <summary>
    /// The append to add to the issuance unit: a limited credential's use, at the stream version reserved; null for an
    /// unlimited credential (recorded by its grain after the commit) or a use recorded already.
    /// </summary>
    public StreamAppend? Append(DateTimeOffset now) => Reservation.AlreadyCounted || Reservation.ExpectedVersion is null
        ? null
        : new StreamAppend(StreamId, false,
            [new CredentialUsed(CredentialId, Reservation.ProfileKey, EnrollmentGrain.ProtocolName(Use.Protocol), Use.Reference, [.. Reservation.Names],
                Reservation.UsesAfter, now)],
            Reservation.ExpectedVersion);
}
