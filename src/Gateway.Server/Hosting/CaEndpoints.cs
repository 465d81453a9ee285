using System.Security.Cryptography;
using System.Text;
using Gateway.Ca;

namespace Gateway.Server.Hosting;

/// <summary>
/// Public, unauthenticated CA material: <c>/ca/root.pem</c>, <c>/ca/chain.pem</c> (issuing CA then root), and
/// <c>/ca/{issuer}.crt</c> (the issuing CA certificate, DER: the AIA caIssuers URL of the certificates it issues).
/// </summary>
internal static class CaEndpoints
{
    public static IEndpointRouteBuilder MapCaEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ca").WithTags("CA").AllowAnonymous();
        group.MapGet("/root.pem", (ICertificateAuthority ca) => PemResult(ca.RootCertificateDer));
        group.MapGet("/chain.pem", (ICertificateAuthority ca) =>
            PemResult([.. ca.GetIssuer(ca.DefaultIssuerId).ChainDer]));
        group.MapGet("/{issuer}.crt", (string issuer, ICertificateAuthority ca) =>
            ca.Issuers.FirstOrDefault(i => i.Id == issuer) is { } found
                ? Results.Bytes(found.ChainDer[0], "application/pkix-cert")
                : Results.Text($"There is no issuing CA '{issuer}'.", "text/plain", statusCode: StatusCodes.Status404NotFound));
        return app;
    }

    private static IResult PemResult(params byte[][] ders)
    {
        var sb = new StringBuilder();
        foreach (var der in ders) sb.Append(PemEncoding.Write("CERTIFICATE", der)).Append('\n');
        return Results.Text(sb.ToString(), "application/x-pem-file", Encoding.ASCII);
    }
}
