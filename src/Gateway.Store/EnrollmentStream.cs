using Gateway.Store.Events;
using Gateway.Store.Records;

namespace Gateway.Store;

/// <summary>
/// One enrollment read from its events in one go: where it stands, the request as received (with its CSR) and the
/// stream's version, for an append that must not race another (<see cref="StreamAppend.ExpectedVersion"/>).
/// </summary>
public sealed record EnrollmentStream(EnrollmentRecord Record, EnrollmentRequested Requested, long Version);
