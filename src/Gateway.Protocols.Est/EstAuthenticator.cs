using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Microsoft.AspNetCore.Http;

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
                    return Fail(StatusCodes.Status403Forbidden,
                        $"The client certificate {serial} is {(record is null ? "unknown to this gateway" : record.Status.ToString().ToLowerInvariant())}.");
                }
                return new Result(new EstCaller(new Requester(AuthenticationMethods.ClientCertificate, certificate.Subject), serial, certificate), null);
            }
            if (requireGatewayCertificate)
            {
                return Fail(StatusCodes.Status403Forbidden, "Re-enrollment requires the current certificate issued by this gateway as the TLS client certificate.");
            }
            if (EstClientCertificates.ChainsTo(certificate, profile.ManufacturerAnchors, [], now))
            {
                return new Result(new EstCaller(new Requester(AuthenticationMethods.ClientCertificate, certificate.Subject), null, certificate), null);
            }
        }
        else if (requireGatewayCertificate)
        {
            return Challenge("Re-enrollment requires the current certificate as the TLS client certificate.");
        }

        if (BasicCredentials.TryRead(http.Request, out var username, out var password, out var malformed))
        {
            if (malformed) return Challenge("The Authorization header is not valid HTTP Basic.");
            var check = await grains.GetGrain<ICredentialGrain>(username).VerifySecretAsync(password, profile.Name);
            if (!check.Valid) return Challenge("The enrollment credential is not valid" + (check.Reason is { Length: > 0 } r ? ": " + r : "."));
            return new Result(new EstCaller(new Requester(AuthenticationMethods.HttpBasic, username), null, null), null);
        }
        return Challenge(certificate is null
            ? "Authentication required: a TLS client certificate or HTTP Basic with an enrollment credential."
            : "The TLS client certificate is not trusted for this profile; authenticate with HTTP Basic instead.");
    }

    private static Result Challenge(string message) => new(null, new EstTextResult(StatusCodes.Status401Unauthorized, message, challenge: true));

    private static Result Fail(int status, string message) => new(null, new EstTextResult(status, message));
}
