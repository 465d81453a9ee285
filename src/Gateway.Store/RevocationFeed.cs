using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Store;

/// <summary>
/// Tells this node, within milliseconds, about revocations and hold releases committed by any node: a dedicated
/// PostgreSQL connection LISTENs on the channel <see cref="RevocationNotifyListener"/> notifies in the committing
/// transaction. While the connection is down nothing can be trusted to be current, so <see cref="IsListening"/> is
/// false and, once it is back, <see cref="Resynchronised"/> tells subscribers to drop what they cached.
/// </summary>
public sealed class RevocationFeed : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly string _connectionString;
    private readonly ILogger<RevocationFeed> _logger;
    private volatile bool _listening;

    public RevocationFeed(string connectionString, string channel, ILogger<RevocationFeed> logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 5, // a keepalive query every 5 s while waiting: a dead server or network is noticed
            ApplicationName = "gateway-revocation-feed",
        };
        _connectionString = builder.ConnectionString;
        Channel = channel;
        _logger = logger;
    }

    /// <summary>The NOTIFY channel: one per store schema, so gateways sharing a database do not hear each other.</summary>
    public string Channel { get; }

    /// <summary>True while LISTEN is active: every revocation committed from now on will be reported.</summary>
    public bool IsListening => _listening;

    /// <summary>A certificate (serial, lowercase hex) was revoked, put on hold or released.</summary>
    public event Action<string>? Changed;

    /// <summary>LISTEN (re)started: notifications may have been missed before; drop cached statuses.</summary>
    public event Action? Resynchronised;

    /// <summary>The channel name for a store schema.</summary>
    public static string ChannelFor(string schema) => schema + ".revocations";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{Channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                _listening = true;
                Raise(Resynchronised);
                _logger.LogDebug("Listening for revocations on {Channel}", Channel);
                backoff = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
            {
                if (_listening) _logger.LogWarning(ex, "Lost the revocation feed on {Channel}; reconnecting", Channel);
                else _logger.LogDebug(ex, "Revocation feed not connected yet; retrying in {Backoff}", backoff);
            }
            finally
            {
                _listening = false;
            }
            try
            {
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        foreach (var serial in e.Payload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                Changed?.Invoke(serial);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A revocation subscriber failed on {Serial}", serial);
            }
        }
    }

    private void Raise(Action? handler)
    {
        try
        {
            handler?.Invoke();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A revocation subscriber failed to resynchronise");
        }
    }
}
