using Gateway.Protocols.Est;

namespace Gateway.Protocols.Est.Tests;

public sealed class EstReplayTests
{
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
}
