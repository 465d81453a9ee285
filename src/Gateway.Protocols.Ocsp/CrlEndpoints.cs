using System.Security.Cryptography;
using System.Text;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Gateway.Protocols.Ocsp;

/// <summary>
/// CRL distribution points (RFC 5280 §4.2.1.13, media types RFC 2585): <c>GET /crl/{issuer}.crl</c> (DER,
/// <c>application/pkix-crl</c>, the URL written into issued certificates) and <c>GET /crl/{issuer}.pem</c>. Conditional
/// requests (ETag = CRL number, Last-Modified = thisUpdate) get 304. An issuer id the CA does not know is 404 before
/// any grain is touched (<see cref="IIssuerDirectory"/>), so requests for made-up issuers activate nothing.
/// </summary>
public static class CrlEndpoints
{
    public static IEndpointRouteBuilder MapCrlEndpoints(this IEndpointRouteBuilder app)
    {
        var crl = app.MapGroup("/crl").WithTags("CRL").AllowAnonymous().ExcludeFromDescription();
        crl.MapGet("/{issuer}.crl", (string issuer, HttpContext http) => GetAsync(issuer, http, pem: false));
        crl.MapGet("/{issuer}.pem", (string issuer, HttpContext http) => GetAsync(issuer, http, pem: true));
        return app;
    }

    private static async Task<IResult> GetAsync(string issuer, HttpContext http, bool pem)
    {
        if (!http.RequestServices.GetRequiredService<IIssuerDirectory>().Contains(issuer)) return NoSuchIssuer(issuer);

        CrlInfo? crl;
        try
        {
            crl = await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ICrlGrain>(issuer).GetCurrentAsync();
        }
        catch (Exception ex)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrlEndpoints).FullName!)
                .LogError(ex, "The CRL of issuer {IssuerId} is not available", issuer);
            http.Response.Headers.RetryAfter = "5";
            return Results.Text("The CRL is not available right now; retry shortly.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (crl is null) return NoSuchIssuer(issuer);

        http.Response.Headers.CacheControl = "public, no-cache";
        var etag = new EntityTagHeaderValue($"\"{crl.Number}{(pem ? "p" : "d")}\"");
        return pem
            ? Results.Bytes(Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", crl.Der) + "\n"), OcspMediaTypes.Pem,
                lastModified: crl.ThisUpdate, entityTag: etag)
            : Results.Bytes(crl.Der, OcspMediaTypes.Crl, lastModified: crl.ThisUpdate, entityTag: etag);
    }

    private static IResult NoSuchIssuer(string issuer) =>
        Results.Text($"There is no issuing CA '{issuer}'.", "text/plain", statusCode: StatusCodes.Status404NotFound);
}
