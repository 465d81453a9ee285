using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Gateway.Admin.Authentication;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary><c>/api/v1/certificates</c>: the inventory, each certificate's history, revocation.</summary>
public static class CertificateEndpoints
{
    public sealed record CertificateView(
        string Serial, string Subject, IReadOnlyList<string> SubjectAltNames, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
        string Status, string Profile, string Protocol, string Requester, string Sha256Fingerprint, DateTimeOffset? RevokedAt,
        string? RevocationReason, string EnrollmentId, string Certificate, string? RenewalOf = null, string? SupersededBy = null);

    public sealed record CertificateList(IReadOnlyList<CertificateView> Items, long Total, int Page, int PageSize);

    public sealed record HistoryView(string Type, DateTimeOffset Time, string Actor, string Stream, long Version, JsonElement Details);

    public sealed record RevokeRequest(string? Reason, DateTimeOffset? InvalidityDate);

    public sealed record RevokeResponse(string Serial, string Status, DateTimeOffset? RevokedAt, string? Reason);

    public const int MaxExpiringWithinDays = 36_500;

    public sealed record ReleaseResponse(string Serial, string Status, DateTimeOffset? ReleasedAt);

    public static RouteGroupBuilder MapCertificateEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/certificates").WithTags("Certificates");
        group.MapGet("/", ListAsync).RequireAuthorization(AdminPolicies.ReadAll);
        group.MapGet("/{serial}", GetAsync).RequireAuthorization(AdminPolicies.ReadAll);
        group.MapGet("/{serial}/history", HistoryAsync).RequireAuthorization(AdminPolicies.ReadAll);
        group.MapPost("/{serial}/revoke", RevokeAsync).RequireAuthorization(AdminPolicies.Write).Audited("certificate.revoke");
        group.MapPost("/{serial}/release", ReleaseAsync).RequireAuthorization(AdminPolicies.Write).Audited("certificate.release");
        return api;
    }

    public static async Task<Results<Ok<CertificateList>, ProblemHttpResult>> ListAsync(
        IGrainFactory grains, string? subject, string? san, string? status, string? profile, string? protocol,
        string? expiringBefore, string? expiringWithinDays, int? page, int? pageSize)
    {
        CertificateStatus? parsedStatus = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<CertificateStatus>(status, true, out var s) || !Enum.IsDefined(s))
                return AdminProblems.BadRequest($"'status' must be one of {string.Join(", ", Enum.GetNames<CertificateStatus>().Select(n => n.ToLowerInvariant()))}.");
            parsedStatus = s;
        }
        EnrollmentProtocol? parsedProtocol = null;
        if (!string.IsNullOrWhiteSpace(protocol))
        {
            if (!Enum.TryParse<EnrollmentProtocol>(protocol, true, out var p) || !Enum.IsDefined(p))
                return AdminProblems.BadRequest($"'protocol' must be one of {string.Join(", ", Enum.GetNames<EnrollmentProtocol>().Select(n => n.ToLowerInvariant()))}.");
            parsedProtocol = p;
        }
        DateTimeOffset? before = null;
        if (!string.IsNullOrWhiteSpace(expiringBefore))
        {
            if (!DateTimeOffset.TryParse(expiringBefore, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b))
                return AdminProblems.BadRequest("'expiringBefore' must be an ISO 8601 date-time.");
            before = b;
        }
        TimeSpan? within = null;
        if (!string.IsNullOrWhiteSpace(expiringWithinDays))
        {
            // Valid certificates expiring within N days, soonest first.
            if (!int.TryParse(expiringWithinDays, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > MaxExpiringWithinDays)
                return AdminProblems.BadRequest($"'expiringWithinDays' must be a whole number of days from 0 to {MaxExpiringWithinDays}.");
            if (parsedStatus is not (null or CertificateStatus.Valid))
                return AdminProblems.BadRequest("'expiringWithinDays' lists valid certificates; it cannot be combined with another 'status'.");
            within = TimeSpan.FromDays(days);
        }
        if (page is < 1) return AdminProblems.BadRequest("'page' starts at 1.");
        if (pageSize is < 1 or > 500) return AdminProblems.BadRequest("'pageSize' must be between 1 and 500.");
        var result = await grains.GetGrain<IInventoryGrain>(0).QueryCertificatesAsync(
            new CertificateQuery(subject, san, parsedStatus, profile, parsedProtocol, before, page ?? 1, pageSize ?? 50, within));
        return TypedResults.Ok(new CertificateList(result.Items.Select(ToView).ToList(), result.Total, result.Page, result.PageSize));
    }

    public static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> GetAsync(string serial, IGrainFactory grains)
    {
        if (!Serials.TryNormalise(serial, out var s)) return AdminProblems.BadRequest("The serial must be hexadecimal.");
        var info = await grains.GetGrain<IInventoryGrain>(0).GetCertificateAsync(s);
        return info is null ? AdminProblems.NotFound($"No certificate with serial {s}.") : TypedResults.Ok(ToView(info));
    }

    public static async Task<Results<Ok<IReadOnlyList<HistoryView>>, ProblemHttpResult>> HistoryAsync(string serial, IGrainFactory grains)
    {
        if (!Serials.TryNormalise(serial, out var s)) return AdminProblems.BadRequest("The serial must be hexadecimal.");
        var history = await grains.GetGrain<IInventoryGrain>(0).GetHistoryAsync(s);
        if (history is null) return AdminProblems.NotFound($"No certificate with serial {s}.");
        IReadOnlyList<HistoryView> views = history
            .Select(h => new HistoryView(h.Type, h.Time, h.Actor, h.StreamId, h.Version, JsonDocument.Parse(h.DetailsJson).RootElement.Clone()))
            .ToList();
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<RevokeResponse>, ProblemHttpResult>> RevokeAsync(
        string serial, RevokeRequest? body, ClaimsPrincipal user, IGrainFactory grains, [Microsoft.AspNetCore.Mvc.FromServices] TimeProvider time)
    {
        if (!Serials.TryNormalise(serial, out var s)) return AdminProblems.BadRequest("The serial must be hexadecimal.");
        var reason = RevocationReason.Unspecified;
        if (!string.IsNullOrWhiteSpace(body?.Reason) && !RevocationReasons.TryParse(body.Reason, out reason))
        {
            return AdminProblems.BadRequest(
                $"'reason' must be an RFC 5280 reason name: {string.Join(", ", Enum.GetValues<RevocationReason>().Where(r => r != RevocationReason.RemoveFromCrl).Select(r => r.ToRfcName()))}.");
        }
        if (reason == RevocationReason.RemoveFromCrl)
            return AdminProblems.BadRequest($"'removeFromCRL' is not a revocation reason: POST /api/v1/certificates/{s}/release releases a hold.");
        if (body?.InvalidityDate is { } invalidity && invalidity > time.GetUtcNow().AddMinutes(5))
            return AdminProblems.BadRequest("'invalidityDate' is when the key was (or is suspected to have been) compromised: it cannot be in the future.");
        var result = await grains.GetGrain<ICertificateGrain>(s).RevokeAsync(reason, "api-key:" + (user.Identity?.Name ?? "unknown"), body?.InvalidityDate);
        return result.Status switch
        {
            RevocationStatus.NotFound => AdminProblems.NotFound($"No certificate with serial {s}."),
            RevocationStatus.NotRevocable => AdminProblems.Problem(StatusCodes.Status409Conflict, "not-revocable", "Not revocable",
                $"Certificate {s} is a CA certificate: it is not revoked through the inventory (replace the CA, see the README's CA section)."),
            RevocationStatus.HoldNotAllowed => AdminProblems.Problem(StatusCodes.Status409Conflict, "hold-not-allowed", "Hold not allowed",
                $"The profile of certificate {s} does not allow certificateHold (revocation.allowHold); revoke it with a final reason instead."),
            _ => TypedResults.Ok(new RevokeResponse(s, result.Status == RevocationStatus.Revoked ? "revoked" : "already-revoked",
                result.RevokedAt, result.Reason?.ToRfcName())),
        };
    }

    /// <summary>Releases a certificate from certificateHold (removeFromCRL): valid again, off the next CRL, OCSP good at once.</summary>
    public static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> ReleaseAsync(string serial, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Serials.TryNormalise(serial, out var s)) return AdminProblems.BadRequest("The serial must be hexadecimal.");
        var result = await grains.GetGrain<ICertificateGrain>(s).ReleaseHoldAsync("api-key:" + (user.Identity?.Name ?? "unknown"));
        return result.Status switch
        {
            HoldReleaseStatus.Released => TypedResults.Ok(new ReleaseResponse(s, "released", result.ReleasedAt)),
            HoldReleaseStatus.NotOnHold => TypedResults.Ok(new ReleaseResponse(s, "not-on-hold", null)),
            HoldReleaseStatus.Revoked => AdminProblems.Problem(StatusCodes.Status409Conflict, "revoked", "Revoked for good",
                $"Certificate {s} is revoked with a final reason; only a certificateHold can be released."),
            _ => AdminProblems.NotFound($"No certificate with serial {s}."),
        };
    }

    private static CertificateView ToView(CertificateInfo c) => new(
        c.Serial, c.Subject, c.SubjectAltNames, c.Issuer, c.NotBefore, c.NotAfter, c.Status.ToString().ToLowerInvariant(), c.Profile,
        c.Protocol.ToString().ToLowerInvariant(), c.Requester, c.Sha256Fingerprint, c.RevokedAt, c.RevocationReason?.ToRfcName(),
        c.EnrollmentId, Pem.Certificate(c.Der), c.RenewalOf, c.SupersededBy);
}
