using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DnsClient;
using Gateway.Contracts.Acme;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme.Validation;

/// <summary>
/// Server-side challenge validation (RFC 8555 §8.3 http-01, §8.4 dns-01; RFC 8737 tls-alpn-01; RFC 8738 IP identifiers).
/// Names are resolved with DnsClient (<see cref="AcmeOptions.DnsResolver"/> or the system's servers); connections go to
/// the resolved address with the identifier as Host/SNI. http-01 follows up to 10 redirects to http on
/// <see cref="AcmeOptions.HttpChallengePort"/> or https on <see cref="AcmeOptions.TlsAlpnChallengePort"/> (certificates
/// after a redirect to https are not checked, as RFC 8555 §8.3 allows) and reads at most 1 KiB; connection failures are
/// tried again twice. Everything runs under <see cref="AcmeOptions.ValidationTimeout"/>.
/// </summary>
public sealed class ChallengeValidator : IChallengeValidator
{
    private const int MaxRedirects = 10;
    private const int MaxBody = 1024;
    private const int Attempts = 3;
    private static readonly Oid AcmeIdentifierOid = new("1.3.6.1.5.5.7.1.31");
    private readonly AcmeOptions _options;
    private readonly ILogger<ChallengeValidator> _logger;
    private readonly LookupClient _dns;

    public ChallengeValidator(IOptions<AcmeOptions> options, ILogger<ChallengeValidator> logger)
    {
        _options = options.Value;
        _logger = logger;
        _dns = string.IsNullOrWhiteSpace(_options.DnsResolver)
            ? new LookupClient(new LookupClientOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 1 })
            : new LookupClient(new LookupClientOptions(ParseEndpoint(_options.DnsResolver)) { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 1 });
    }

    internal static IPEndPoint ParseEndpoint(string hostPort) =>
        IPEndPoint.TryParse(hostPort, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new OptionsValidationException(AcmeOptions.Section + ":DnsResolver", typeof(AcmeOptions),
                [$"{AcmeOptions.Section}:DnsResolver '{hostPort}' is not an IP address with a port (e.g. 10.0.0.53:53)."]);

    public async Task<ChallengeValidation> ValidateAsync(ChallengeRequest request, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ValidationTimeout);
        try
        {
            var result = request.Type switch
            {
                "http-01" => await HttpAsync(request, timeout.Token),
                "dns-01" when request.IdentifierType == "dns" => await DnsAsync(request, timeout.Token),
                "tls-alpn-01" => await TlsAlpnAsync(request, timeout.Token),
                _ => ChallengeValidation.Failure("malformed", $"Challenge type {request.Type} does not apply to a {request.IdentifierType} identifier."),
            };
            _logger.LogInformation("ACME {Type} for {Identifier}: {Result} ({Detail})", request.Type, request.Identifier, result.Valid ? "valid" : result.ProblemType, result.Detail);
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ChallengeValidation.Failure("connection", $"The validation did not finish within {_options.ValidationTimeout.TotalSeconds:F0} s.");
        }
    }

    // ---- resolution ----

    private async Task<IReadOnlyList<IPAddress>> ResolveAsync(string identifierType, string identifier, CancellationToken ct)
    {
        if (identifierType == "ip") return IPAddress.TryParse(identifier, out var ip) ? [ip] : [];
        var addresses = new List<IPAddress>();
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            var answer = await _dns.QueryAsync(identifier, type, cancellationToken: ct);
            if (answer.HasError && answer.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain) continue;
            addresses.AddRange(answer.Answers.ARecords().Select(a => a.Address));
            addresses.AddRange(answer.Answers.AaaaRecords().Select(a => a.Address));
        }
        return addresses;
    }

    // ---- http-01 ----

    private async Task<ChallengeValidation> HttpAsync(ChallengeRequest request, CancellationToken ct)
    {
        var host = request.IdentifierType == "ip" && IPAddress.TryParse(request.Identifier, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{request.Identifier}]" : request.Identifier;
        var url = new Uri($"http://{host}:{_options.HttpChallengePort}/.well-known/acme-challenge/{request.Token}");
        var used = new List<string>();
        for (var redirect = 0; ; redirect++)
        {
            var addresses = await ResolveAsync(IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out _) ? "ip" : "dns", url.IdnHost.Trim('[', ']'), ct);
            if (addresses.Count == 0) return ChallengeValidation.Failure("dns", $"No A or AAAA record for {url.IdnHost}.", used);
            HttpResponseMessage? response = null;
            Exception? last = null;
            for (var attempt = 1; attempt <= Attempts && response is null; attempt++)
            {
                var address = addresses[(attempt - 1) % addresses.Count];
                used.Add($"{address}:{url.Port}");
                try
                {
                    response = await SendAsync(url, address, ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
                {
                    last = ex;
                    if (attempt < Attempts) await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
            if (response is null) return ChallengeValidation.Failure("connection", $"Could not fetch {url}: {last?.Message}", used);
            using (response)
            {
                if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308)
                {
                    if (redirect >= MaxRedirects) return ChallengeValidation.Failure("connection", $"More than {MaxRedirects} redirects from {url}.", used);
                    if (response.Headers.Location is not { } location) return ChallengeValidation.Failure("connection", $"A redirect from {url} without Location.", used);
                    var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (!(next.Scheme == Uri.UriSchemeHttp && next.Port == _options.HttpChallengePort || next.Scheme == Uri.UriSchemeHttps && next.Port == _options.TlsAlpnChallengePort))
                        return ChallengeValidation.Failure("connection", $"A redirect from {url} to {next} leaves the allowed ports ({_options.HttpChallengePort} http, {_options.TlsAlpnChallengePort} https).", used);
                    url = next;
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.OK)
                    return ChallengeValidation.Failure("unauthorized", $"{url} answered {(int)response.StatusCode}, not 200 with the key authorization.", used);
                var body = await ReadLimitedAsync(response, ct);
                return body.TrimEnd() == request.KeyAuthorization
                    ? ChallengeValidation.Success($"{url} served the key authorization", used)
                    : ChallengeValidation.Failure("incorrectResponse", $"{url} served something other than the key authorization.", used);
            }
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(Uri url, IPAddress address, CancellationToken ct)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // RFC 8555 §8.3: the certificate after a redirect to https is not validated.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Gateway-ACME-validator", "1"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBody];
        var total = 0;
        int read;
        while (total < MaxBody && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    // ---- dns-01 ----

    private async Task<ChallengeValidation> DnsAsync(ChallengeRequest request, CancellationToken ct)
    {
        var name = "_acme-challenge." + request.Identifier.TrimStart('*', '.');
        var expected = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(request.KeyAuthorization)));
        var answer = await _dns.QueryAsync(name, QueryType.TXT, cancellationToken: ct);
        if (answer.HasError && answer.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            return ChallengeValidation.Failure("dns", $"The TXT lookup of {name} failed: {answer.ErrorMessage}");
        // CNAMEs (acme-dns delegation) are followed by the resolver; any one of several TXT values may match.
        var values = answer.Answers.TxtRecords().SelectMany(t => t.Text).ToList();
        return values.Contains(expected, StringComparer.Ordinal)
            ? ChallengeValidation.Success($"{name} has the TXT value", [])
            : ChallengeValidation.Failure("unauthorized", values.Count == 0 ? $"{name} has no TXT record." : $"No TXT record of {name} has the expected value.");
    }

    // ---- tls-alpn-01 ----

    private async Task<ChallengeValidation> TlsAlpnAsync(ChallengeRequest request, CancellationToken ct)
    {
        var addresses = await ResolveAsync(request.IdentifierType, request.Identifier, ct);
        if (addresses.Count == 0) return ChallengeValidation.Failure("dns", $"No address for {request.Identifier}.");
        var address = addresses[0];
        var used = new List<string> { $"{address}:{_options.TlsAlpnChallengePort}" };
        // RFC 8738 §6: an IP identifier's SNI is its reverse-DNS name.
        var sni = request.IdentifierType == "ip" ? ReverseName(IPAddress.Parse(request.Identifier)) : request.Identifier;
        using var tcp = new TcpClient(address.AddressFamily);
        try
        {
            await tcp.ConnectAsync(address, _options.TlsAlpnChallengePort, ct);
        }
        catch (SocketException ex)
        {
            return ChallengeValidation.Failure("connection", $"Could not connect to {address}:{_options.TlsAlpnChallengePort}: {ex.Message}", used);
        }
        await using var tls = new SslStream(tcp.GetStream(), false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = sni,
                ApplicationProtocols = [new SslApplicationProtocol("acme-tls/1")],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, ct);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            return ChallengeValidation.Failure("tls", $"The TLS handshake with {address} failed: {ex.Message}", used);
        }
        if (tls.NegotiatedApplicationProtocol.ToString() != "acme-tls/1")
            return ChallengeValidation.Failure("unauthorized", "The server did not negotiate the acme-tls/1 protocol.", used);
        using var certificate = tls.RemoteCertificate is { } remote ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
        return certificate is null
            ? ChallengeValidation.Failure("unauthorized", "The server presented no certificate.", used)
            : CheckAlpnCertificate(certificate, request) is { } problem
                ? ChallengeValidation.Failure("unauthorized", problem, used)
                : ChallengeValidation.Success("the acme-tls/1 certificate carries the key authorization", used);
    }

    /// <summary>RFC 8737 §3: exactly one SAN, the identifier; a critical acmeIdentifier extension holding OCTET STRING(SHA-256(key authorization)).</summary>
    internal static string? CheckAlpnCertificate(X509Certificate2 certificate, ChallengeRequest request)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return "The acme-tls/1 certificate has no subjectAltName.";
        var names = san.EnumerateDnsNames().Select(n => "dns:" + n.ToLowerInvariant()).Concat(san.EnumerateIPAddresses().Select(a => "ip:" + a)).ToList();
        var wanted = request.IdentifierType == "ip" ? "ip:" + IPAddress.Parse(request.Identifier) : "dns:" + request.Identifier.ToLowerInvariant();
        if (names.Count != 1 || names[0] != wanted) return $"The acme-tls/1 certificate's subjectAltName must be exactly {request.Identifier}.";
        var extension = certificate.Extensions[AcmeIdentifierOid.Value!];
        if (extension is null || !extension.Critical) return "The acme-tls/1 certificate has no critical acmeIdentifier extension.";
        var expected = SHA256.HashData(Encoding.ASCII.GetBytes(request.KeyAuthorization));
        try
        {
            var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
            var value = reader.ReadOctetString();
            reader.ThrowIfNotEmpty();
            return CryptographicOperations.FixedTimeEquals(value, expected) ? null : "The acmeIdentifier extension does not hold the key authorization's hash.";
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return "The acmeIdentifier extension is not a DER OCTET STRING.";
        }
    }

    internal static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? string.Join('.', bytes.Reverse()) + ".in-addr.arpa"
            : string.Join('.', Convert.ToHexStringLower(bytes).Reverse()) + ".ip6.arpa";
    }
}
