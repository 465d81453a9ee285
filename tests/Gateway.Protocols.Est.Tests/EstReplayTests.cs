using Gateway.Contracts;
using Gateway.Protocols.Est;

namespace Gateway.Protocols.Est.Tests;

public sealed class EstReplayTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private static IssuedOutcome Issued(string serial = "0a1b") => new("est:x", serial, [0x30], [], IssuedAt);

    [Fact]
    public void The_first_id_depends_on_operation_client_and_every_csr_byte()
    {
        var id = EstReplay.FirstTransactionId("SimpleEnroll", "client-certificate:abc", [1, 2, 3]);
        Assert.Equal(64, id.Length);
        Assert.Equal(id, EstReplay.FirstTransactionId("SimpleEnroll", "client-certificate:abc", [1, 2, 3]));
        Assert.NotEqual(id, EstReplay.FirstTransactionId("SimpleReenroll", "client-certificate:abc", [1, 2, 3]));
        Assert.NotEqual(id, EstReplay.FirstTransactionId("SimpleEnroll", "client-certificate:abd", [1, 2, 3]));
        Assert.NotEqual(id, EstReplay.FirstTransactionId("SimpleEnroll", "client-certificate:abc", [1, 2, 4]));
    }

    [Fact]
    public void An_identical_request_within_the_window_is_answered_by_the_issued_enrollment()
    {
        Assert.Null(EstReplay.Next("t0", Issued(), IssuedAt, Window));
        Assert.Null(EstReplay.Next("t0", Issued(), IssuedAt + Window, Window));
    }

    [Fact]
    public void After_the_window_the_same_bytes_start_the_next_enrollment_of_the_chain()
    {
        var later = IssuedAt + Window + TimeSpan.FromSeconds(1);
        var next = EstReplay.Next("t0", Issued("0a1b"), later, Window);
        Assert.NotNull(next);
        Assert.NotEqual("t0", next);
        // Deterministic, so concurrent identical requests after the window meet on the same new enrollment ...
        Assert.Equal(next, EstReplay.Next("t0", Issued("0a1b"), later.AddDays(30), Window));
        // ... and each link depends on the certificate it follows.
        Assert.NotEqual(next, EstReplay.Next("t0", Issued("0a1c"), later, Window));
        Assert.NotEqual(next, EstReplay.Next("t1", Issued("0a1b"), later, Window));
    }

    [Fact]
    public void Pending_and_refused_enrollments_are_always_continued()
    {
        var years = IssuedAt.AddYears(3);
        Assert.Null(EstReplay.Next("t0", new PendingOutcome("est:x", TimeSpan.FromSeconds(30), "manual approval"), years, Window));
        Assert.Null(EstReplay.Next("t0", new RejectedOutcome("est:x", RejectionReason.PolicyDenied, "no", []), years, Window));
    }

    [Fact]
    public void A_zero_window_replays_nothing_issued()
    {
        Assert.NotNull(EstReplay.Next("t0", Issued(), IssuedAt.AddTicks(1), TimeSpan.Zero));
    }
}
