using System.Security.Cryptography;
using System.Text;
using Gateway.Ca;

namespace Gateway.Server.Hosting;

/// <summary>Public, unauthenticated CA material: <c>/ca/root.pem</c>, <c>/ca/chain.pem</c> (issuing CA then root).</summary>
internal static class CaEndpoints
{
    public static IEndpointRouteBuilder MapCaEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ca").WithTags("CA").AllowAnonymous();
        group.MapGet("/root.pem", (ICertificateAuthority ca) => PemResult(ca.RootCertificateDer));
        group.MapGet("/chain.pem", (ICertificateAuthority ca) =>
            PemResult([.. ca.GetIssuer(ca.DefaultIssuerId).ChainDer]));
        return app;
    }

    private static IResult PemResult(params byte[][] ders)
    {
        var sb = new StringBuilder();
        foreach (var der in ders) sb.Append(PemEncoding.Write("CERTIFICATE", der)).Append('\n');
        return Results.Text(sb.ToString(), "application/x-pem-file", Encoding.ASCII);
    }
}
