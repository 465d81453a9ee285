using Gateway.Contracts.Audit;
using Gateway.Contracts.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// Makes an admin endpoint an audited action: after the handler has answered, one <see cref="AdminAction"/> (actor,
/// action, target, client address, status, problem slug) is committed to the audit log through
/// <see cref="IAdminAuditGrain"/>, before the answer leaves. Refusals by the handler are recorded too; requests
/// refused by authentication or authorization never reach an action and are not. An enrollment's decision carries its
/// own entry into the enrollment's commit (<see cref="MarkRecorded"/>), so the hot path commits once.
/// </summary>
public static class AdminAudit
{
    private static readonly object RecordedKey = new();

    /// <summary>The handler's action was recorded in its own commit (see <c>EnrollmentRequest.Audit</c>): the filter adds no second record.</summary>
    public static void MarkRecorded(HttpContext http) => http.Items[RecordedKey] = true;

    /// <summary>Records every call of this endpoint as <paramref name="action"/> (e.g. <c>profile.put</c>).</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder endpoint, string action) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            // Recorded already, in the commit of the action itself (an enrollment's decision).
            if (http.Items.ContainsKey(RecordedKey)) return result;
            var (status, detail, target) = Describe(result, http);
            var entry = new AdminAction("api-key:" + (http.User.Identity?.Name ?? "unknown"), action, target,
                http.Connection.RemoteIpAddress?.ToString(), status, detail);
            try
            {
                await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IAdminAuditGrain>(0).RecordAsync(entry);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The action is done and cannot be taken back; say loudly that its record is missing.
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminAudit).FullName!)
                    .LogError(ex, "Audit record of {Action} on {Target} by {Actor} from {ClientAddress} (status {Status}) could not be written",
                        entry.Action, entry.Target, entry.Actor, entry.ClientAddress, entry.Status);
            }
            return result;
        });

    private static (int Status, string? Detail, string Target) Describe(object? result, HttpContext http)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        string? detail = result is ProblemHttpResult problem ? problem.ProblemDetails.Type?.Replace(AdminProblems.TypeBase, "", StringComparison.Ordinal) : null;
        var target = (result as IValueHttpResult)?.Value switch
        {
            CredentialEndpoints.CreatedCredentialView created => "credential:" + created.Id,
            EnrollmentEndpoints.EnrollResponse issued => issued.EnrollmentId,
            EnrollmentEndpoints.PendingResponse pending => pending.EnrollmentId,
            _ => null,
        };
        target ??= RouteTarget(http);
        return (status, detail, target);
    }

    private static string RouteTarget(HttpContext http)
    {
        var values = http.Request.RouteValues;
        if (values.TryGetValue("serial", out var serial) && serial is string s) return "certificate:" + s;
        if (values.TryGetValue("name", out var name) && name is string n) return "profile:" + n;
        if (values.TryGetValue("id", out var id) && id is string i)
        {
            return http.Request.Path.StartsWithSegments("/api/v1/credentials", StringComparison.OrdinalIgnoreCase) ? "credential:" + i : i;
        }
        return http.Request.Path.Value ?? "";
    }
}
