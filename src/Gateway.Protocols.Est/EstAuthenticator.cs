using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Protocols.Est;

/// <summary>
/// EST client authentication (RFC 7030 §3.3): a TLS client certificate — one of the gateway's own (valid, not
/// revoked) or a manufacturer certificate under the profile's anchors — or HTTP Basic with an enrollment credential.
/// </summary>
internal sealed class EstAuthenticator(IGrainFactory grains, TimeProvider time)
{
    public sealed record Result(EstCaller? Caller, IResult? Failure);

    public async Task<Result> AuthenticateAsync(HttpContext http, EstProfile profile, bool requireGatewayCertificate)
    {
        var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        var now = time.GetUtcNow();
        if (certificate is not null)
        {
            if (EstClientCertificates.ChainsTo(certificate, profile.GatewayAnchors, profile.GatewayIntermediates, now))
            {
                var serial = EstClientCertificates.Serial(certificate);
                var record = await grains.GetGrain<IInventoryGrain>(0).GetCertificateAsync(serial);
                if (record is null || record.Status != CertificateStatus.Valid || !record.Der.AsSpan().SequenceEqual(certificate.RawData))
                {
                    http.RequestServices.GetRequiredService<ClientCertificateMetrics>().RecordRefusal(record);
                    return Fail(StatusCodes.Status403Forbidden,
                        $"The client certificate {serial} is {(record is null ? "unknown to this gateway" : record.Status.ToString().ToLowerInvariant())}.");
                }
                return new Result(new EstCaller(new Requester(AuthenticationMethods.ClientCertificate, certificate.Subject,
                    RequesterClaims.FromClientCertificate(certificate)), serial, certificate), null);
            }
            if (requireGatewayCertificate)
            {
                return Fail(StatusCodes.Status403Forbidden, "Re-enrollment requires the current certificate issued by this gateway as the TLS client certificate.");
            }
            if (EstClientCertificates.ChainsTo(certificate, profile.ManufacturerAnchors, [], now))
            {
                return new Result(new EstCaller(new Requester(AuthenticationMethods.ClientCertificate, certificate.Subject,
                    RequesterClaims.FromClientCertificate(certificate)), null, certificate), null);
            }
        }
        else if (requireGatewayCertificate)
        {
            return Challenge("Re-enrollment requires the current certificate as the TLS client certificate.");
        }

        if (BasicCredentials.TryRead(http.Request, out var username, out var password, out var malformed))
        {
            if (malformed) return Challenge("The Authorization header is not valid HTTP Basic.");
            // Anything that is not a credential id cannot be one: answer without activating a grain for it.
            if (!CredentialSecrets.IsWellFormedId(username)) return Challenge(WrongCredential);
            var check = await grains.GetGrain<ICredentialGrain>(username).VerifySecretAsync(password, profile.Name);
            switch (check.Status)
            {
                case CredentialCheckStatus.Valid:
                // The secret is right and only the uses are spent: let the enrollment grain answer. It returns the earlier
                // outcome to a retry of an enrollment already counted (RFC 7030 §4.2.3: a client repeats its request after
                // a 202), and refuses a new one (403) when it cannot count the use.
                case CredentialCheckStatus.Exhausted:
                    return new Result(new EstCaller(new Requester(AuthenticationMethods.HttpBasic, username), null, null), null);
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
