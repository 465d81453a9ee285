using Gateway.Server.Hosting;
using Orleans.Runtime;

namespace Gateway.Server.Tests;

public sealed class ClusterUnavailableExceptionHandlerTests
{
    // Orleans constructs this one internally only (as in the failover log: "Exception while sending message").
    private static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(OrleansMessageRejectionException));

    [Fact]
    public void IsClusterUnavailable_recognises_orleans_signs_of_a_departed_silo_even_wrapped()
    {
        Assert.True(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new SiloUnavailableException("gone")));
        Assert.True(ClusterUnavailableExceptionHandler.IsClusterUnavailable(Rejection()));
        Assert.True(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new InvalidOperationException("x", new SiloUnavailableException("gone"))));
        Assert.True(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new AggregateException(Rejection())));
        Assert.True(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new Orleans.Runtime.Messaging.ConnectionFailedException("refused")));
    }

    [Fact]
    public void IsClusterUnavailable_leaves_other_failures_to_the_default_handler()
    {
        Assert.False(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new InvalidOperationException("bug")));
        Assert.False(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new TimeoutException()));
        Assert.False(ClusterUnavailableExceptionHandler.IsClusterUnavailable(new AggregateException(new SiloUnavailableException("a"), new InvalidOperationException("b"))));
    }
}
