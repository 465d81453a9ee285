using Gateway.Contracts.Credentials;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Est;

/// <summary>
/// EST client authentication (RFC 7030 §3.3): a TLS client certificate — one of the gateway's own, accepted by the
/// profile, or a manufacturer certificate under the profile's anchors — or HTTP Basic with an enrollment credential.
/// The checks themselves are the port's.
/// </summary>
internal sealed class EstAuthenticator(IEnrollmentPort port)
{
    public sealed record Result(EstCaller? Caller, IResult? Failure);

    public async Task<Result> AuthenticateAsync(HttpContext http, EstProfile profile, bool renewal)
    {
        var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        if (certificate is not null)
        {
            // Kestrel does not hand over the intermediates a client sent; manufacturer chains are built from the anchors.
            var check = await port.VerifyClientCertificateAsync(profile.Profile, certificate,
                renewal ? ClientCertificateUse.Renewal : ClientCertificateUse.Enrollment, profile.ManufacturerAnchors, []);
            switch (check.Status)
            {
                case ClientCertificateStatus.GatewayIssued or ClientCertificateStatus.Manufacturer:
                    return new Result(new EstCaller(check.Requester!, check.Serial, certificate), null);
                case ClientCertificateStatus.NotValid or ClientCertificateStatus.WrongProfile or ClientCertificateStatus.NotClientAuth
                    or ClientCertificateStatus.NotGatewayIssued:
                    return Fail(StatusCodes.Status403Forbidden, check.Message);
            }
        }
        else if (renewal)
        {
            return Challenge("Re-enrollment requires the current certificate as the TLS client certificate.");
        }

        if (BasicCredentials.TryRead(http.Request, out var username, out var password, out var malformed))
        {
            if (malformed) return Challenge("The Authorization header is not valid HTTP Basic.");
            var check = await port.VerifyCredentialAsync(profile.Profile, username, password, http.Connection.RemoteIpAddress);
            switch (check.Status)
            {
                case CredentialCheckStatus.Valid:
                // The secret is right and only the uses are spent: let the enrollment grain answer. It returns the earlier
                // outcome to a retry of an enrollment already counted (RFC 7030 §4.2.3: a client repeats its request after
                // a 202), and refuses a new one (403) when it cannot count the use.
                case CredentialCheckStatus.Exhausted:
                    return new Result(new EstCaller(new Contracts.Requester(Contracts.AuthenticationMethods.HttpBasic, username), null, null), null);
                case CredentialCheckStatus.Throttled:
                    // Too many wrong ids or secrets from this address: nothing was checked; come back after the window.
                    return new Result(null, new EstTextResult(StatusCodes.Status429TooManyRequests,
                        "Too many failed authentications from this address; retry later.", retryAfter: check.RetryAfter ?? TimeSpan.FromMinutes(1)));
                case CredentialCheckStatus.NotFound or CredentialCheckStatus.WrongSecret:
                    // RFC 9110 §15.5.2: the credentials are not valid, so challenge again (and do not tell which part was wrong).
                    return Challenge(WrongCredential);
                default:
                    // RFC 9110 §15.5.4: the credential is genuine but does not grant this (revoked, expired, other profile);
                    // repeating the request with it will not help, so 403 rather than a new challenge.
                    return Fail(StatusCodes.Status403Forbidden, "The enrollment credential may not be used: " + check.Reason + ".");
            }
        }
        return Challenge(certificate is null
            ? "Authentication required: a TLS client certificate or HTTP Basic with an enrollment credential."
            : "The TLS client certificate is not trusted for this profile; authenticate with HTTP Basic instead.");
    }

    private const string WrongCredential = "The enrollment credential's id or secret is wrong.";

    private static Result Challenge(string message) => new(null, new EstTextResult(StatusCodes.Status401Unauthorized, message, challenge: true));

    private static Result Fail(int status, string message) => new(null, new EstTextResult(status, message));
}
