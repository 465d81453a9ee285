using System.Net;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    [Fact]
    public async Task Pipeline_answers_503_problem_with_retry_after_for_a_departed_silo_and_500_for_anything_else()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableExceptionHandler>();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.MapGet("/departed", (Func<string>)(() => throw new SiloUnavailableException("silo S127.0.0.1:11111:1 is dead")));
        app.MapGet("/bug", (Func<string>)(() => throw new InvalidOperationException("a bug")));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) };

        var departed = await client.GetAsync("/departed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, departed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(ClusterUnavailableExceptionHandler.RetryAfterSeconds), departed.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", departed.Content.Headers.ContentType?.MediaType);
        var body = await departed.Content.ReadAsStringAsync();
        Assert.Contains("cluster-unavailable", body);
        Assert.DoesNotContain("S127.0.0.1", body); // no internals in the answer

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/bug")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Pipeline_answers_a_timed_out_grain_call_with_503_problem_on_the_api_and_text_on_est_and_scep()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableExceptionHandler>();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        Func<string> timesOut = () => throw new TimeoutException("Response did not arrive on time in 00:00:30 for message: Request S127.0.0.1:11111 -> grain");
        app.MapGet("/api/v1/enrollments", timesOut);
        app.MapPost("/.well-known/est/simpleenroll", timesOut);
        app.MapPost("/scep", timesOut);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) };

        var api = await client.GetAsync("/api/v1/enrollments");
        var est = await client.PostAsync("/.well-known/est/simpleenroll", new StringContent("x"));
        var scep = await client.PostAsync("/scep", new StringContent("x"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = await api.Content.ReadAsStringAsync();
        Assert.True(problem.Contains("problems/timeout", StringComparison.Ordinal), problem);
        foreach (var text in new[] { est, scep })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, text.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(ClusterUnavailableExceptionHandler.RetryAfterSeconds), text.Headers.RetryAfter?.Delta);
            Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
            var body = await text.Content.ReadAsStringAsync();
            Assert.True(body.Contains("retry", StringComparison.OrdinalIgnoreCase), $"body: [{body}] {text.Content.Headers.ContentLength}");
            Assert.DoesNotContain("S127.0.0.1", body);
        }
        await app.StopAsync();
    }
}
