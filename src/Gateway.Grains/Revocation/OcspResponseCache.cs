using System.Collections.Concurrent;
using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Revocation;
using Gateway.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Revocation;

/// <summary>
/// This node's OCSP answers: the status of a serial is read from the store once and kept, with the signed response per
/// CertID hash algorithm, for half of <see cref="OcspOptions.ResponseValidity"/>; requests with a nonce are signed fresh
/// over the kept status. Serials over 20 octets are <c>malformedRequest</c>; <c>unknown</c> answers are kept apart, in
/// a small bounded cache (<see cref="UnknownCacheSize"/>), so a flood of made-up serials neither grows memory nor
/// evicts real certificates' answers. Never stale past a revocation:
/// <list type="bullet">
/// <item>the revoking node drops the serial before the revocation call returns (<see cref="Invalidate"/>);</item>
/// <item>every node drops it when PostgreSQL delivers the NOTIFY that was part of the revocation's own transaction
/// (<see cref="RevocationFeed"/>, milliseconds after commit);</item>
/// <item>nothing is kept while that feed is not listening, and everything is dropped when it (re)connects;</item>
/// <item>a status read that raced with an invalidation is not kept (an invalidation epoch).</item>
/// </list>
/// </summary>
public sealed class OcspResponseCache
{
    /// <summary>Unknown serials are kept briefly: a certificate issued later must not stay unknown for long.</summary>
    private static readonly TimeSpan UnknownValidity = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many <c>unknown</c> answers are kept, apart from the statuses of real certificates. Anyone can ask about any
    /// serial, so this cache is what an unauthenticated flood of made-up serials fills: it is small (about 2 MB full) so
    /// that the flood cannot grow memory nor push real certificates' answers out. It is kept at all, rather than not,
    /// so that one client polling the same unknown serial (a certificate from another CA, a typo) costs one lookup and
    /// one signature a minute rather than one per request.
    /// </summary>
    internal const int UnknownCacheSize = 1_000;

    private readonly OcspResponseSigner _signer;
    private readonly Func<string, Task<CertificateStatusRow?>> _readStatus;
    private readonly RevocationFeed _feed;
    private readonly ICertificateAuthority _ca;
    private readonly OcspOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OcspResponseCache> _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _unknown = new(StringComparer.Ordinal);
    private long _epoch;
    private long _nextSweepTicks;
    private long _nextUnknownSweepTicks;

    public OcspResponseCache(
        OcspResponseSigner signer, RevocationQueries queries, RevocationFeed feed, ICertificateAuthority ca, IOptions<OcspOptions> options,
        TimeProvider time, ILogger<OcspResponseCache> logger)
        : this(signer, serial => queries.GetStatusAsync(serial), feed, ca, options, time, logger)
    {
    }

    /// <summary>With another status source than the store (tests that need many lookups cheaply).</summary>
    internal OcspResponseCache(
        OcspResponseSigner signer, Func<string, Task<CertificateStatusRow?>> readStatus, RevocationFeed feed, ICertificateAuthority ca,
        IOptions<OcspOptions> options, TimeProvider time, ILogger<OcspResponseCache> logger)
    {
        _signer = signer;
        _readStatus = readStatus;
        _feed = feed;
        _ca = ca;
        _options = options.Value;
        _time = time;
        _logger = logger;
        feed.Changed += Invalidate;
        feed.Resynchronised += Clear;
    }

    /// <summary>Serials currently kept, known and unknown (for tests and diagnostics).</summary>
    public int Count => _entries.Count + _unknown.Count;

    /// <summary>Drops what is kept for <paramref name="serial"/> (lowercase hex): its next request reads the store.</summary>
    public void Invalidate(string serial)
    {
        Interlocked.Increment(ref _epoch);
        _entries.TryRemove(serial, out _);
        _unknown.TryRemove(serial, out _);
    }

    /// <summary>Drops everything kept.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        _entries.Clear();
        _unknown.Clear();
    }

    public async ValueTask<OcspAnswer> RespondAsync(OcspCertificateRequest request)
    {
        if (!OcspResponseSigner.TryGetHashLength(request.HashAlgorithmOid, out var length)
            || request.IssuerNameHash?.Length != length || request.IssuerKeyHash?.Length != length
            || request.SerialNumber is not { Length: > 0 and <= OcspCertificateRequest.MaxSerialNumberLength })
        {
            return OcspAnswer.Error(OcspResponseStatus.MalformedRequest);
        }

        if (_signer.FindIssuer(request) is not { } issuerId) return OcspAnswer.Error(OcspResponseStatus.Unauthorized);

        var serial = Convert.ToHexStringLower(request.SerialNumber);
        var now = _time.GetUtcNow();
        // While the feed is down, other nodes' revocations may be unheard: kept statuses are not used.
        if (_feed.IsListening && (_entries.TryGetValue(serial, out var entry) || _unknown.TryGetValue(serial, out entry))
            && entry.IssuerId == issuerId && now < entry.FreshUntil)
        {
            return Answer(entry, request, now);
        }

        var epoch = Interlocked.Read(ref _epoch);
        var row = await _readStatus(serial);
        entry = new Entry(issuerId, StatusOf(row, issuerId), now);
        entry.FreshUntil = now + Validity(entry.Status) / 2;
        var answer = Answer(entry, request, now);
        if (_options.CacheSize > 0 && _feed.IsListening && Interlocked.Read(ref _epoch) == epoch)
        {
            var unknown = entry.Status.Kind == OcspCertificateStatusKind.Unknown;
            var entries = unknown ? _unknown : _entries;
            if (unknown)
            {
                MakeRoom(_unknown, Math.Min(_options.CacheSize, UnknownCacheSize), ref _nextUnknownSweepTicks, now);
            }
            else
            {
                MakeRoom(_entries, _options.CacheSize, ref _nextSweepTicks, now);
            }

            entries[serial] = entry;
            // An invalidation between the check and the store above must win.
            if (Interlocked.Read(ref _epoch) != epoch) entries.TryRemove(new KeyValuePair<string, Entry>(serial, entry));
        }

        return answer;
    }

    private OcspAnswer Answer(Entry entry, OcspCertificateRequest request, DateTimeOffset now)
    {
        if (request.Nonce is null && entry.Responses.TryGetValue(request.HashAlgorithmOid, out var kept) && now < kept.RefreshAt)
        {
            return kept.Answer;
        }

        var signed = _signer.Sign(entry.IssuerId, request, entry.Status, Validity(entry.Status), request.Nonce);
        var answer = new OcspAnswer(OcspResponseStatus.Successful, signed.Der, signed.ThisUpdate, signed.NextUpdate, StateOf(entry.Status.Kind));
        if (request.Nonce is null)
        {
            entry.Responses[request.HashAlgorithmOid] = new Signed(answer, signed.ThisUpdate + (signed.NextUpdate - signed.ThisUpdate) / 2);
        }

        return answer;
    }

    private static OcspCertificateState StateOf(OcspCertificateStatusKind kind) => kind switch
    {
        OcspCertificateStatusKind.Good => OcspCertificateState.Good,
        OcspCertificateStatusKind.Revoked => OcspCertificateState.Revoked,
        _ => OcspCertificateState.Unknown,
    };

    private TimeSpan Validity(OcspCertificateStatus status) =>
        status.Kind == OcspCertificateStatusKind.Unknown && UnknownValidity < _options.ResponseValidity ? UnknownValidity : _options.ResponseValidity;

    private OcspCertificateStatus StatusOf(CertificateStatusRow? row, string issuerId)
    {
        if (row is null) return OcspCertificateStatus.Unknown;
        var rowIssuer = string.IsNullOrEmpty(row.IssuerId) ? CertificateAuthority.DefaultIssuer : row.IssuerId; // rows older than issuer ids: the first generation
        if (!string.Equals(rowIssuer, issuerId, StringComparison.Ordinal)) return OcspCertificateStatus.Unknown;
        if (row.Status is not ("Revoked" or "OnHold")) return OcspCertificateStatus.Good;

        var reason = row.Status == "OnHold" ? RevocationReason.CertificateHold
            : RevocationReasons.TryParse(row.Reason, out var parsed) ? parsed : RevocationReason.Unspecified;
        // RFC 5280 §5.3.1: unspecified is better left out than stated.
        return new OcspCertificateStatus(OcspCertificateStatusKind.Revoked, row.RevokedAt ?? _time.GetUtcNow(),
            reason == RevocationReason.Unspecified ? null : reason);
    }

    /// <summary>At capacity: drop what is stale; if that is not enough, start over (bounded memory beats a perfect hit rate).</summary>
    private void MakeRoom(ConcurrentDictionary<string, Entry> entries, int capacity, ref long nextSweepTicks, DateTimeOffset now)
    {
        if (entries.Count < capacity) return;
        var next = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref nextSweepTicks, now.UtcTicks + TimeSpan.TicksPerSecond, next) == next)
        {
            foreach (var (serial, entry) in entries)
            {
                if (now >= entry.FreshUntil) entries.TryRemove(new KeyValuePair<string, Entry>(serial, entry));
            }
        }

        if (entries.Count >= capacity)
        {
            _logger.LogInformation("The OCSP response cache reached {CacheSize} {Kind} serials; starting over", capacity,
                ReferenceEquals(entries, _unknown) ? "unknown" : "known");
            entries.Clear();
        }
    }

    private sealed class Entry(string issuerId, OcspCertificateStatus status, DateTimeOffset readAt)
    {
        public string IssuerId { get; } = issuerId;

        public OcspCertificateStatus Status { get; } = status;

        public DateTimeOffset ReadAt { get; } = readAt;

        public DateTimeOffset FreshUntil { get; set; }

        /// <summary>Signed responses without nonce, per CertID hash algorithm OID.</summary>
        public ConcurrentDictionary<string, Signed> Responses { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Signed(OcspAnswer Answer, DateTimeOffset RefreshAt);
}
