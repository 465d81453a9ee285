using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace Gateway.Server.Hosting;

/// <summary>
/// While the cluster is still detecting a dead node (up to the membership probe time), a request whose grain or directory
/// partition lived there fails inside Orleans. That is a transient condition, not a server bug: answer
/// 503 Service Unavailable with <c>Retry-After</c> (RFC 9110 §15.6.4), which EST, SCEP, ACME and admin clients retry,
/// instead of a 500. The same for a grain call or a store call that timed out and for a failing store. The body is a
/// problem document on the admin API and plain text on the enrollment protocols' own paths (EST's errors are text,
/// RFC 7030 §4.2.3; SCEP's HTTP errors too).
/// </summary>
internal sealed partial class ClusterUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        if (IsClusterUnavailable(exception))
        {
            return await UnavailableAsync(httpContext, exception, "cluster-unavailable", "Cluster temporarily unavailable",
                $"A gateway node is unreachable and the cluster is taking over its work; retry in {RetryAfterSeconds} seconds.");
        }

        // A grain call (or anything under it but the database) did not answer in time: busy or moving, not broken.
        // Whatever it was doing either commits (and the client's retry of the same transaction gets it) or does not.
        if (IsTimeout(exception))
        {
            return await UnavailableAsync(httpContext, exception, "timeout", "Request timed out inside the gateway",
                $"The gateway did not finish the request in time; a retry of the same request gets whatever was committed for it. Retry in {RetryAfterSeconds} seconds.");
        }

        // The database failed (unreachable, connection lost mid-commit, backend terminated) or the commit queue is full,
        // on a path that did not turn it into a protocol answer itself: the same transient 503, not a 500.
        return IsStoreUnavailable(exception) && await UnavailableAsync(httpContext, exception, "store-unavailable",
            "Certificate store temporarily unavailable",
            $"The database did not complete the request; nothing half-done is kept. Retry in {RetryAfterSeconds} seconds.");
    }

    /// <summary>Paths whose protocol answers errors as plain text (EST, SCEP, CMP's HTTP layer, OCSP and CRL downloads), not as problem documents.</summary>
    internal static bool IsTextProtocolPath(PathString path) =>
        path.StartsWithSegments("/.well-known/est") || path.StartsWithSegments("/scep") || path.StartsWithSegments("/.well-known/cmp")
        || path.StartsWithSegments("/ocsp") || path.StartsWithSegments("/crl") || path.StartsWithSegments("/ca");

    internal static bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException) return false; // the database's own timeout: a store failure
            if (e is TimeoutException) return true;
            if (e is AggregateException aggregate) return aggregate.InnerExceptions.Count == 1 && IsTimeout(aggregate.InnerExceptions[0]);
        }
        return false;
    }

    /// <summary>503 with <c>Retry-After</c> as a problem document of <paramref name="slug"/>.</summary>
    private async ValueTask<bool> UnavailableAsync(HttpContext httpContext, Exception exception, string slug, string title, string detail)
    {
        LogUnavailable(exception.GetType().Name, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (IsTextProtocolPath(httpContext.Request.Path))
        {
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-store";
            await httpContext.Response.WriteAsync(title + ": " + detail + "\n", httpContext.RequestAborted);
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://gateway.example/problems/" + slug,
                Title = title,
                Detail = detail,
            },
        });
    }

    internal static bool IsStoreUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Gateway.Store.CommitQueueFullException) return true;
        }
        return Gateway.Store.StoreFailure.IsTransient(exception);
    }

    /// <summary>Orleans' signs of an unreachable or departed silo, possibly wrapped.</summary>
    internal static bool IsClusterUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException)
            {
                return true;
            }

            if (e is AggregateException aggregate)
            {
                // Several failures at once: only when there is one cause is it known to be the cluster's.
                return aggregate.InnerExceptions.Count == 1 && IsClusterUnavailable(aggregate.InnerExceptions[0]);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 to {Path}: the cluster is unavailable for it ({Exception})")]
    private partial void LogUnavailable(string exception, string path);
}
