using Gateway.Contracts;

namespace Gateway.Protocols.Common.Tests;

public sealed class ReplayChainTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private static IssuedOutcome Issued(string serial = "0a1b") => new("est:x", serial, [0x30], [], IssuedAt);

    [Fact]
    public void An_identical_request_within_the_window_is_answered_by_the_issued_enrollment()
    {
        Assert.Null(ReplayChain.Next("t0", Issued(), IssuedAt, Window));
        Assert.Null(ReplayChain.Next("t0", Issued(), IssuedAt + Window, Window));
    }

    [Fact]
    public void After_the_window_the_same_bytes_start_the_next_enrollment_of_the_chain()
    {
        var later = IssuedAt + Window + TimeSpan.FromSeconds(1);
        var next = ReplayChain.Next("t0", Issued("0a1b"), later, Window);
        Assert.NotNull(next);
        Assert.NotEqual("t0", next);
        // Deterministic, so concurrent identical requests after the window meet on the same new enrollment ...
        Assert.Equal(next, ReplayChain.Next("t0", Issued("0a1b"), later.AddDays(30), Window));
        // ... and each link depends on the certificate it follows.
        Assert.NotEqual(next, ReplayChain.Next("t0", Issued("0a1c"), later, Window));
        Assert.NotEqual(next, ReplayChain.Next("t1", Issued("0a1b"), later, Window));
    }

    [Fact]
    public void Pending_and_refused_enrollments_are_always_continued()
    {
        var years = IssuedAt.AddYears(3);
        Assert.Null(ReplayChain.Next("t0", new PendingOutcome("est:x", TimeSpan.FromSeconds(30), "manual approval"), years, Window));
        Assert.Null(ReplayChain.Next("t0", new RejectedOutcome("est:x", RejectionReason.PolicyDenied, "no", []), years, Window));
    }

    [Fact]
    public void A_zero_window_replays_nothing_issued()
    {
        Assert.NotNull(ReplayChain.Next("t0", Issued(), IssuedAt.AddTicks(1), TimeSpan.Zero));
    }
}
