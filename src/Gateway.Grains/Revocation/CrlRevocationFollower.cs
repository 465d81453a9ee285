using System.Threading.Channels;
using Gateway.Ca;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Revocation;

/// <summary>
/// Makes the CRL follow every committed revocation, whichever node committed it and whether or not that node lived to
/// ask for a new CRL itself. PostgreSQL delivers the revocation feed's notification to every listening node when, and
/// only when, the revocation commits (<see cref="RevocationFeed"/>); each node then asks the issuer's CRL grain for an
/// update (one activation in the cluster, which coalesces the asks within <see cref="CrlOptions.Debounce"/>). When the
/// feed reconnects, notifications may have been missed: every issuer's CRL is asked to update. A node that crashed
/// entirely publishes afresh at its next start (<see cref="CrlStartupService"/>).
/// </summary>
internal sealed class CrlRevocationFollower : BackgroundService
{
    private const string AllIssuers = "";
    private readonly RevocationFeed _feed;
    private readonly RevocationQueries _queries;
    private readonly IGrainFactory _grains;
    private readonly ICertificateAuthority _ca;
    private readonly ILogger<CrlRevocationFollower> _logger;
    // Serials changed (or AllIssuers after a resynchronisation); bounded: when full, one "all issuers" ask replaces them.
    private readonly Channel<string> _changes = Channel.CreateBounded<string>(new BoundedChannelOptions(4096)
    {
        FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
    });
    private volatile bool _overflowed;

    public CrlRevocationFollower(RevocationFeed feed, RevocationQueries queries, IGrainFactory grains, ICertificateAuthority ca,
        IHostApplicationLifetime lifetime, ILogger<CrlRevocationFollower> logger)
    {
        _feed = feed;
        _queries = queries;
        _grains = grains;
        _ca = ca;
        _logger = logger;
        _feed.Changed += OnChanged;
        // A resynchronisation before the silo runs is covered by the first CRL each grain publishes at start.
        _feed.Resynchronised += () => { if (lifetime.ApplicationStarted.IsCancellationRequested) Enqueue(AllIssuers); };
    }

    private void OnChanged(string serial) => Enqueue(serial);

    private void Enqueue(string item)
    {
        if (!_changes.Writer.TryWrite(item)) _overflowed = true;
    }

    public override void Dispose()
    {
        _feed.Changed -= OnChanged;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var issuers = new HashSet<string>(StringComparer.Ordinal);
                while (_changes.Reader.TryRead(out var item))
                {
                    if (item == AllIssuers || _overflowed)
                    {
                        _overflowed = false;
                        issuers.UnionWith(_ca.Issuers.Select(i => i.Id));
                        continue;
                    }
                    if (await IssuerOfAsync(item, stoppingToken).ConfigureAwait(false) is { } issuer) issuers.Add(issuer);
                    else issuers.UnionWith(_ca.Issuers.Select(i => i.Id)); // not readable now: every generation's CRL, so the one that lists it is renewed
                }
                foreach (var issuer in issuers) await AskAsync(issuer).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The issuer of a changed certificate; null when it cannot be read now (then every generation's CRL is asked).</summary>
    private async Task<string?> IssuerOfAsync(string serial, CancellationToken cancellationToken)
    {
        try
        {
            var row = await _queries.GetStatusAsync(serial, cancellationToken).ConfigureAwait(false);
            return row?.IssuerId is { Length: > 0 } issuer ? issuer : CertificateAuthority.DefaultIssuer;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not read the issuer of revoked certificate {Serial}; asking every issuer generation's CRL", serial);
            return null;
        }
    }

    private async Task AskAsync(string issuer)
    {
        try
        {
            await _grains.GetGrain<ICrlGrain>(issuer).RequestUpdateAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The grain's own schedule still publishes before nextUpdate; the next notification asks again.
            _logger.LogWarning(ex, "Could not ask for a new CRL of issuer {IssuerId} after a committed revocation", issuer);
        }
    }
}
