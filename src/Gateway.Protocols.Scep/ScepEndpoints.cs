using Gateway.Contracts;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// SCEP (RFC 8894) at <c>/scep</c> (profile <see cref="ScepOptions.DefaultProfile"/>) and <c>/scep/&lt;label&gt;</c>
/// (the label names the profile); a trailing <c>/pkiclient.exe</c> (Cisco) is ignored. GET and POST both take
/// <c>operation=GetCACaps | GetCACert | PKIOperation</c>; a GET PKIOperation carries its message base64 in <c>message</c>.
/// </summary>
public static class ScepEndpoints
{
    /// <summary>What GetCACaps advertises. SHA-1 and 3DES are accepted from clients that ignore it, not offered.</summary>
    internal const string Capabilities = "POSTPKIOperation\nRenewal\nSHA-256\nSHA-512\nAES\nSCEPStandard\n";

    public const string PkiMessageMediaType = "application/x-pki-message";
    public const string CaRaCertMediaType = "application/x-x509-ca-ra-cert";

    public static IEndpointRouteBuilder MapScepEndpoints(this IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Post];
        app.MapMethods("/scep", methods, (Delegate)((HttpContext http) => HandleAsync(http, null))).ExcludeFromDescription();
        app.MapMethods("/scep/{**path}", methods, (HttpContext http, string? path) => HandleAsync(http, path)).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string? path)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ScepOptions>>().Value;
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[^1].Equals("pkiclient.exe", StringComparison.OrdinalIgnoreCase)) segments.RemoveAt(segments.Count - 1);
        if (segments.Count > 1 || segments.Any(s => s.Length > 128))
            return ScepResult.Text(StatusCodes.Status404NotFound, "SCEP lives at /scep and /scep/<label>.");
        var name = segments.Count == 0 ? options.DefaultProfile : segments[0];

        var port = http.RequestServices.GetRequiredService<IEnrollmentPort>();
        var profile = await port.ResolveProfileAsync(EnrollmentProtocol.Scep, name);
        if (profile is null)
            return ScepResult.Text(StatusCodes.Status404NotFound, $"No profile '{name}' that allows SCEP.");

        var query = ScepQuery.Parse(http.Request.QueryString.Value);
        switch (query.Operation)
        {
            case "GetCACaps":
                return new ScepResult(StatusCodes.Status200OK, "text/plain", System.Text.Encoding.ASCII.GetBytes(Capabilities));
            case "GetCACert":
                // The message parameter (Windows sends "default", Cisco its trustpoint) is ignored.
                return new ScepResult(StatusCodes.Status200OK, CaRaCertMediaType, CaCertificates(http.RequestServices.GetRequiredService<IScepRa>(), profile, options));
            case "PKIOperation":
                return await PkiOperationAsync(http, profile, query, options);
            case null or "":
                return ScepResult.Text(StatusCodes.Status400BadRequest, "The operation parameter is missing (GetCACaps, GetCACert or PKIOperation).");
            default:
                return ScepResult.Text(StatusCodes.Status400BadRequest, $"Operation '{query.Operation}' is not supported (GetCACaps, GetCACert or PKIOperation).");
        }
    }

    private static async Task<IResult> PkiOperationAsync(HttpContext http, EnrollmentProfile profile, ScepQuery query, ScepOptions options)
    {
        byte[]? message;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            message = await RequestBodies.ReadLimitedAsync(http.Request, options.MaxMessageBytes, http.RequestAborted);
            if (message is null)
                return ScepResult.Text(StatusCodes.Status413PayloadTooLarge, $"A pkiMessage is at most {options.MaxMessageBytes} bytes.");
        }
        else
        {
            if (string.IsNullOrEmpty(query.Message))
                return ScepResult.Text(StatusCodes.Status400BadRequest, "A GET PKIOperation needs the base64 pkiMessage in the message parameter.");
            message = ScepQuery.DecodeMessage(query.Message, options.MaxMessageBytes);
            if (message is null)
                return ScepResult.Text(StatusCodes.Status400BadRequest, "The message parameter is not base64 (or is larger than allowed).");
        }
        if (message.Length == 0) return ScepResult.Text(StatusCodes.Status400BadRequest, "The pkiMessage is empty.");

        var service = http.RequestServices.GetRequiredService<ScepService>();
        var reply = await service.HandleAsync(profile, message, http.Connection.RemoteIpAddress);
        return reply.CertRep is not null
            ? new ScepResult(StatusCodes.Status200OK, PkiMessageMediaType, reply.CertRep)
            : ScepResult.Text(reply.HttpStatus, reply.Error ?? "The pkiMessage cannot be processed.", reply.RetryAfter);
    }

    /// <summary>The RA certificate(s) first (encryption, then signing when separate), then the CA chain (the root if configured).</summary>
    internal static byte[] CaCertificates(IScepRa ra, EnrollmentProfile profile, ScepOptions options)
    {
        var certificates = new List<byte[]> { ra.EncryptionCertificate.RawData };
        if (!ra.SigningCertificate.RawData.AsSpan().SequenceEqual(ra.EncryptionCertificate.RawData)) certificates.Add(ra.SigningCertificate.RawData);
        var chain = profile.Chain;
        var count = options.IncludeRootInGetCaCert || chain.Count == 1 ? chain.Count : chain.Count - 1;
        certificates.AddRange(chain.Take(count));
        return CertsOnlyPkcs7.Encode(certificates, keepOrder: true);
    }
}
