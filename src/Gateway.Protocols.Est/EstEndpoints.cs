using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Pkix.Csr;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Est;

/// <summary>
/// EST (RFC 7030) under <c>/.well-known/est/</c> and <c>/.well-known/est/&lt;label&gt;/</c>, HTTPS only.
/// Parses and authenticates; the enrollment port hands the request to the core, which decides and issues.
/// </summary>
public static class EstEndpoints
{
    public static IEndpointRouteBuilder MapEstEndpoints(this IEndpointRouteBuilder app)
    {
        var est = app.MapGroup("/.well-known/est").WithTags("EST").AllowAnonymous().ExcludeFromDescription();
        foreach (var prefix in new[] { "", "/{label}" })
        {
            est.MapGet(prefix + "/cacerts", CaCertsAsync);
            est.MapGet(prefix + "/csrattrs", CsrAttrsAsync);
            est.MapPost(prefix + "/simpleenroll", (HttpContext http, string? label) => EnrollAsync(http, label, EstOperation.SimpleEnroll));
            est.MapPost(prefix + "/simplereenroll", (HttpContext http, string? label) => EnrollAsync(http, label, EstOperation.SimpleReenroll));
            est.MapPost(prefix + "/serverkeygen", (HttpContext http, string? label) => EnrollAsync(http, label, EstOperation.ServerKeyGen));
        }
        return app;
    }

    private static async Task<IResult> CaCertsAsync(HttpContext http, string? label)
    {
        var (profile, failure) = await ResolveAsync(http, label);
        if (profile is null) return failure!;
        return Base64Body(profile.CaCertsBody, EstMediaTypes.CertsOnly);
    }

    private static async Task<IResult> CsrAttrsAsync(HttpContext http, string? label)
    {
        var (profile, failure) = await ResolveAsync(http, label);
        if (profile is null) return failure!;
        return Base64Body(profile.CsrAttrsBody, EstMediaTypes.CsrAttrs);
    }

    private static async Task<IResult> EnrollAsync(HttpContext http, string? label, EstOperation operation)
    {
        var (profile, failure) = await ResolveAsync(http, label);
        if (profile is null) return failure!;
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<EstOptions>>().Value;

        var contentType = http.Request.ContentType;
        if (contentType is null || !contentType.Split(';')[0].Trim().Equals(EstMediaTypes.Pkcs10, StringComparison.OrdinalIgnoreCase))
        {
            return new EstTextResult(StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be {EstMediaTypes.Pkcs10}.");
        }
        var body = await RequestBodies.ReadLimitedAsync(http.Request, options.MaxRequestBytes, http.RequestAborted);
        if (body is null) return new EstTextResult(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {options.MaxRequestBytes} bytes.");

        var auth = await services.GetRequiredService<EstAuthenticator>().AuthenticateAsync(http, profile, operation == EstOperation.SimpleReenroll);
        if (auth.Caller is not { } caller) return auth.Failure!;

        if (!EstEncoding.TryDecodeBody(body, out var der, out var decodeError)) return new EstTextResult(StatusCodes.Status400BadRequest, decodeError);
        if (!Pkcs10Request.TryParse(der, out var csr, out var parseError)) return new EstTextResult(StatusCodes.Status400BadRequest, parseError);

        if (operation == EstOperation.SimpleReenroll && !SameNames(caller, csr, out var mismatch))
        {
            return new EstTextResult(StatusCodes.Status400BadRequest, mismatch);
        }

        var port = services.GetRequiredService<IEnrollmentPort>();
        if (operation == EstOperation.ServerKeyGen)
        {
            // Every server-side key generation is a new enrollment: the generated key is never kept, so a repeat cannot be answered from the first.
            // Its transaction id is made here (time-ordered, never sent before): nothing is looked up under it.
            return await ServerKeyGenAsync(port, profile, caller, csr, TimeOrderedIds.NewHex(services.GetRequiredService<TimeProvider>().GetUtcNow()));
        }
        // Retries of the same request by the same client land on the same enrollment (RFC 7030 §4.2.3: after a 202 the
        // client repeats it), within the replay window after issuance (the port walks the chain, see ReplayChain).
        var transactionId = EstReplay.FirstTransactionId(operation.ToString(), caller.Requester.ToString(), der);
        var request = new EnrollmentRequest(EnrollmentProtocol.Est, profile.Name, caller.Requester, transactionId, der,
            RenewalOf: operation == EstOperation.SimpleReenroll ? caller.CurrentSerial : null, RequestKeyed: true);
        var outcome = await port.EnrollAsync(request, new ReplayWindow(options.ReplayWindow));
        return outcome switch
        {
            IssuedOutcome issued => Base64Body(EstEncoding.Base64Lines(CertsOnlyPkcs7.Encode([issued.Certificate])), EstMediaTypes.CertsOnly),
            _ => NotIssued(outcome),
        };
    }

    private static async Task<IResult> ServerKeyGenAsync(IEnrollmentPort port, EstProfile profile, EstCaller caller, Pkcs10Request csr, string transactionId)
    {
        if (!csr.VerifySignature()) return new EstTextResult(StatusCodes.Status400BadRequest, "The CSR's signature does not verify.");
        if (profile.Summary.RequiresManualApproval)
        {
            return new EstTextResult(StatusCodes.Status403Forbidden,
                $"Profile '{profile.Name}' needs manual approval; server-side key generation is refused because the gateway never keeps generated keys.");
        }
        using var key = ServerKeys.Generate(profile.Summary.AllowedKeys, csr.Key.ToContract());
        if (key is null) return new EstTextResult(StatusCodes.Status403Forbidden, $"Profile '{profile.Name}' allows no key type the gateway can generate.");
        var template = new RequestedTemplate(key.ExportSubjectPublicKeyInfo(), csr.Subject, csr.SubjectAltNames.ToContracts(), csr.RequestedExtensions.ToContracts());
        var request = new EnrollmentRequest(EnrollmentProtocol.Est, profile.Name, caller.Requester, transactionId, null, template, NewTransaction: true);
        var outcome = await port.EnrollAsync(request);
        if (outcome is not IssuedOutcome issued) return NotIssued(outcome);
        return new ServerKeyGenResult(key.ExportPkcs8PrivateKey(), CertsOnlyPkcs7.Encode([issued.Certificate]));
    }

    private static IResult NotIssued(EnrollmentOutcome outcome) => outcome switch
    {
        PendingOutcome pending => new EstTextResult(StatusCodes.Status202Accepted, "The request is pending approval: " + pending.Reason, retryAfter: pending.RetryAfter),
        RejectedOutcome rejected => new EstTextResult(RejectionMap.HttpStatus(rejected.Reason), rejected.Message, retryAfter: RejectionMap.RetryAfter(rejected.Reason)),
        _ => new EstTextResult(StatusCodes.Status500InternalServerError, "Unexpected outcome."),
    };

    /// <summary>RFC 7030 §4.2.2: a re-enrollment keeps the current certificate's subject and subjectAltName (every kind of name).</summary>
    private static bool SameNames(EstCaller caller, Pkcs10Request csr, out string mismatch)
    {
        mismatch = "";
        var current = caller.Certificate!;
        if (!current.SubjectName.RawData.AsSpan().SequenceEqual(csr.Subject))
        {
            mismatch = $"The CSR's subject ({csr.SubjectText}) differs from the current certificate's ({current.Subject}).";
            return false;
        }
        var currentSans = CurrentSans(current);
        var requested = csr.SubjectAltNames.Select(s => s.ToString()).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (!currentSans.SequenceEqual(requested, StringComparer.OrdinalIgnoreCase))
        {
            mismatch = $"The CSR's subjectAltNames ({string.Join(", ", requested)}) differ from the current certificate's ({string.Join(", ", currentSans)}).";
            return false;
        }
        return true;
    }

    /// <summary>The current certificate's subjectAltNames, read as a CSR's are (DNS lower-cased, IP normalised, e-mail, URI, others as text).</summary>
    internal static List<string> CurrentSans(X509Certificate2 certificate)
    {
        var list = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == SubjectAltNameExtension.Oid)
            {
                list.AddRange(SubjectAltNameExtension.Read(extension.RawData).Select(n => n.ToString()));
            }
        }
        return list.Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static async Task<(EstProfile? Profile, IResult? Failure)> ResolveAsync(HttpContext http, string? label)
    {
        if (!http.Request.IsHttps) return (null, new EstTextResult(StatusCodes.Status403Forbidden, "EST is served over HTTPS only (RFC 7030 §3.2.1)."));
        var profile = await http.RequestServices.GetRequiredService<EstProfiles>().ResolveAsync(label);
        if (profile is null)
        {
            return (null, new EstTextResult(StatusCodes.Status404NotFound,
                label is null ? "The default EST profile is not available." : $"Unknown EST label '{label}'."));
        }
        return (profile, null);
    }

    private static IResult Base64Body(string body, string contentType) => new Base64BodyResult(body, contentType);

    private sealed class Base64BodyResult(string body, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = contentType;
            http.Response.Headers["Content-Transfer-Encoding"] = "base64";
            // Always a Content-Length, never chunked: embedded EST clients cannot read chunked answers.
            var bytes = Encoding.ASCII.GetBytes(body);
            http.Response.ContentLength = bytes.Length;
            return http.Response.Body.WriteAsync(bytes).AsTask();
        }
    }

    private static T GetRequiredService<T>(this IServiceProvider services) where T : notnull =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(services);
}
