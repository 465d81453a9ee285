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

    private readonly TimeProvider _timeProvider;
    private readonly bool _ownsIssuers;
    private readonly string? _publicBaseUrl;
    private readonly IPublicBaseUrlSource? _publicBaseUrlSource;
    private readonly CaOptions? _options;
    private readonly ILogger? _logger;
    private readonly Lock _refreshGate = new();
    private volatile IssuerSet _set;

    /// <summary>Every generation still served, by id, and the current (signing) generation of each logical issuer.</summary>
    private sealed record IssuerSet(FrozenDictionary<string, IssuingCa> All, FrozenDictionary<string, IssuingCa> Current)
    {
        public static IssuerSet Of(IEnumerable<IssuingCa> issuers)
        {
            var all = issuers.ToFrozenDictionary(i => i.Id, StringComparer.Ordinal);
            var current = all.Values.GroupBy(i => i.LogicalId, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.MaxBy(i => i.Generation)!, StringComparer.Ordinal);
            return new IssuerSet(all, current);
        }
    }

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

        CaMaterialStore.LoadedCa loaded = CaMaterialStore.Load(value, DefaultIssuer, logger, timeProvider);
        _set = IssuerSet.Of(loaded.Issuers);
        RootCertificateDer = loaded.RootDer;
        _timeProvider = timeProvider;
        _ownsIssuers = true;
        _options = loaded.Managed ? value : null;
        _logger = logger;
        _publicBaseUrl = string.IsNullOrWhiteSpace(value.PublicBaseUrl) ? null : value.PublicBaseUrl.Trim();
        _publicBaseUrlSource = publicBaseUrlSource;
        logger.LogInformation(
            "Gateway CA ready: issuer '{IssuerId}' {Subject}, valid until {NotAfter:u}; {Count} generation(s) served.",
            loaded.Current.Id, loaded.Current.SubjectName, loaded.Current.NotAfter, loaded.Issuers.Count);
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

        _set = IssuerSet.Of([issuer]);
        RootCertificateDer = rootCertificateDer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _publicBaseUrl = publicBaseUrl?.Trim();
    }

    /// <summary>The current generation of the default issuer: what signs when a template names none.</summary>
    public string DefaultIssuerId => _set.Current.TryGetValue(DefaultIssuer, out var current) ? current.Id : _set.All.Keys.First();

    public IReadOnlyCollection<IssuingCa> Issuers => _set.All.Values;

    public IReadOnlyCollection<IssuingCa> CurrentIssuers => _set.Current.Values;

    public byte[] RootCertificateDer { get; }

    public event Action? IssuersChanged;

    /// <remarks>A null or empty id means the default issuer's first generation (<c>default</c>), as stored before ids carried generations.</remarks>
    public IssuingCa GetIssuer(string issuerId) =>
        _set.All.TryGetValue(string.IsNullOrEmpty(issuerId) ? DefaultIssuer : issuerId, out IssuingCa? issuer)
            ? issuer
            : throw new KeyNotFoundException($"There is no issuing CA '{issuerId}'; known: {string.Join(", ", _set.All.Keys)}.");

    public IssuingCa GetCurrentIssuer(string issuerId)
    {
        var set = _set;
        var id = string.IsNullOrEmpty(issuerId) ? DefaultIssuer : issuerId;
        if (set.Current.TryGetValue(id, out IssuingCa? current)) return current;
        // A generation's own id signs as its logical issuer's current generation.
        return set.All.TryGetValue(id, out IssuingCa? named) && set.Current.TryGetValue(named.LogicalId, out current)
            ? current
            : throw new KeyNotFoundException($"There is no issuing CA '{issuerId}'; known: {string.Join(", ", set.All.Keys)}.");
    }

    public bool CanRollOver => _options is not null && CaMaterialStore.CanRollOver(_options);

    public IssuingCa RollOver(string issuerId)
    {
        if (_options is null)
        {
            throw new CaConfigurationException(CaOptions.SectionName, "This CA's material is not managed by the gateway (imported or supplied); it cannot be rolled over here.");
        }
        if (!string.Equals(GetCurrentIssuer(issuerId).LogicalId, DefaultIssuer, StringComparison.Ordinal))
        {
            throw new KeyNotFoundException($"Only the '{DefaultIssuer}' issuer is managed in the CA directory.");
        }
        CaMaterialStore.RollOver(_options, _logger!, _timeProvider, GetCurrentIssuer(issuerId).Generation);
        Refresh();
        return GetCurrentIssuer(issuerId);
    }

    /// <summary>
    /// Picks up generations another node (or <see cref="RollOver"/>) added to the shared CA directory; a no-op when none
    /// was added, or for a CA whose material the gateway does not manage. Raises <see cref="IssuersChanged"/> on a change.
    /// </summary>
    public bool Refresh()
    {
        if (_options is null) return false;
        lock (_refreshGate)
        {
            var set = _set;
            string directory = CaPaths.CaDirectory(_options);
            int generation = CaMaterialStore.ReadCurrentGeneration(directory);
            if (set.Current.TryGetValue(DefaultIssuer, out var current) && current.Generation >= generation) return false;
            string passphrase = CaPassphrase.Resolve(_options, null);
            var issuers = set.All.Values.ToList();
            for (int g = (current?.Generation ?? 0) + 1; g <= generation; g++)
            {
                var loaded = CaMaterialStore.LoadGeneration(_options, directory, passphrase, DefaultIssuer, g, _timeProvider, skipExpired: g != generation);
                if (loaded is { } l) issuers.Add(l.Issuer);
            }
            _set = IssuerSet.Of(issuers);
            _logger?.LogWarning("Issuing CA generations now served: {Issuers}; '{Current}' signs.", string.Join(", ", _set.All.Keys), DefaultIssuerId);
        }
        IssuersChanged?.Invoke();
        return true;
    }

    public IssuedCertificate Issue(CertificateTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        IssuingCa issuer = template.ExactIssuer ? GetIssuer(template.IssuerId) : GetCurrentIssuer(template.IssuerId);
        var now = _timeProvider.GetUtcNow();
        if (now >= issuer.NotAfter)
        {
            throw new IssuingCaExpiredException(issuer.Id, issuer.NotAfter);
        }

        return CertificateEncoder.Encode(issuer, template, now, StatusExtensionsOf(issuer));
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

        foreach (IssuingCa issuer in _set.All.Values)
        {
            CaMaterialStore.DisposeSigner(issuer.Signer);
            issuer.Certificate.Dispose();
        }
    }
}
