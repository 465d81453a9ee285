using System.Collections.Frozen;
using Gateway.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>
/// The software CA: loads (or on first start generates) its material from <c>&lt;DataDir&gt;/ca/</c>, or imports it,
/// and signs templates on the hot path with <see cref="CertificateEncoder"/>. Thread-safe; meant to be a singleton.
/// </summary>
public sealed class CertificateAuthority : ICertificateAuthority, IDisposable
{
    public const string DefaultIssuer = "default";

    private readonly FrozenDictionary<string, IssuingCa> _issuers;
    private readonly TimeProvider _timeProvider;
    private readonly bool _ownsIssuers;
    private readonly string? _publicBaseUrl;
    private readonly IPublicBaseUrlSource? _publicBaseUrlSource;

    /// <summary>Loads, generates or imports the CA material described by <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="CaConfigurationException">The material cannot be used (wrong passphrase, missing or mismatched files).</exception>
    /// <param name="publicBaseUrlSource">Where the status URLs point when <see cref="CaOptions.PublicBaseUrl"/> is unset.</param>
    public CertificateAuthority(
        IOptions<CaOptions> options, ILogger<CertificateAuthority> logger, TimeProvider timeProvider, IPublicBaseUrlSource? publicBaseUrlSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);

        CaOptions value = options.Value;
        ValidateOptionsResult validation = new CaOptionsValidator().Validate(Options.DefaultName, value);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CaOptions), validation.Failures);
        }

        (IssuingCa issuer, byte[] rootDer) = CaMaterialStore.Load(value, DefaultIssuer, logger, timeProvider);
        _issuers = new Dictionary<string, IssuingCa> { [issuer.Id] = issuer }.ToFrozenDictionary(StringComparer.Ordinal);
        RootCertificateDer = rootDer;
        _timeProvider = timeProvider;
        _ownsIssuers = true;
        _publicBaseUrl = string.IsNullOrWhiteSpace(value.PublicBaseUrl) ? null : value.PublicBaseUrl.Trim();
        _publicBaseUrlSource = publicBaseUrlSource;
        logger.LogInformation(
            "Gateway CA ready: issuer '{IssuerId}' {Subject}, valid until {NotAfter:u}.", issuer.Id, issuer.SubjectName, issuer.NotAfter);
    }

    /// <summary>A CA over material held elsewhere (an HSM-backed signer, a test fixture). It does not dispose <paramref name="issuer"/>.</summary>
    /// <param name="publicBaseUrl">Base of the CRL, OCSP and caIssuers URLs written into certificates; null: none are written.</param>
    public CertificateAuthority(IssuingCa issuer, byte[] rootCertificateDer, TimeProvider? timeProvider = null, string? publicBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(rootCertificateDer);
        if (publicBaseUrl is not null && CaOptionsValidator.DescribeBaseUrlProblem(publicBaseUrl) is { } problem)
        {
            throw new ArgumentException($"The public base URL '{publicBaseUrl}' {problem}.", nameof(publicBaseUrl));
        }

        _issuers = new Dictionary<string, IssuingCa> { [issuer.Id] = issuer }.ToFrozenDictionary(StringComparer.Ordinal);
        RootCertificateDer = rootCertificateDer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _publicBaseUrl = publicBaseUrl?.Trim();
    }

    public string DefaultIssuerId => DefaultIssuer;

    public IReadOnlyCollection<IssuingCa> Issuers => _issuers.Values;

    public byte[] RootCertificateDer { get; }

    /// <remarks>A null or empty id means the default issuer, as in <see cref="Issue"/>.</remarks>
    public IssuingCa GetIssuer(string issuerId) =>
        _issuers.TryGetValue(string.IsNullOrEmpty(issuerId) ? DefaultIssuer : issuerId, out IssuingCa? issuer)
            ? issuer
            : throw new KeyNotFoundException($"There is no issuing CA '{issuerId}'; known: {string.Join(", ", _issuers.Keys)}.");

    public IssuedCertificate Issue(CertificateTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        IssuingCa issuer = GetIssuer(template.IssuerId);
        if (_timeProvider.GetUtcNow() >= issuer.NotAfter)
        {
            throw new IssuingCaExpiredException(issuer.Id, issuer.NotAfter);
        }

        return CertificateEncoder.Encode(issuer, template, StatusExtensionsOf(issuer));
    }

    public byte[] SignCrl(string issuerId, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IEnumerable<CrlEntry> entries) =>
        CrlSigner.Sign(GetIssuer(issuerId), crlNumber, thisUpdate, nextUpdate, entries);

    public IssuerUrls? GetIssuerUrls(string issuerId) => StatusExtensionsOf(GetIssuer(issuerId))?.Urls;

    private StatusExtensions? StatusExtensionsOf(IssuingCa issuer)
    {
        string? baseUrl = _publicBaseUrl ?? _publicBaseUrlSource?.GetPublicBaseUrl();
        return baseUrl is null ? null : issuer.GetStatusExtensions(baseUrl);
    }

    public void Dispose()
    {
        if (!_ownsIssuers)
        {
            return;
        }

        foreach (IssuingCa issuer in _issuers.Values)
        {
            CaMaterialStore.DisposeSigner(issuer.Signer);
            issuer.Certificate.Dispose();
        }
    }
}
