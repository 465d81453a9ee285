namespace Gateway.Protocols.Scep;

/// <summary>
/// A profile's challenge-validation service (<c>Gateway:Scep:ChallengeWebhooks:&lt;profile&gt;</c>), for MDMs that
/// validate their own challenges (Intune's SCEP validation, Jamf, Fleet): the gateway POSTs the request to
/// <see cref="Url"/> and follows its allow/deny answer.
/// </summary>
public sealed class ScepChallengeWebhookOptions
{
    /// <summary>An https URL (http only to a loopback address).</summary>
    public string Url { get; set; } = "";

    /// <summary>How long to wait for the answer; past it the request fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sent as the <c>Authorization</c> header when set (e.g. <c>Bearer …</c>), so the service knows it is the gateway.</summary>
    public string? Authorization { get; set; }

    internal static string? Problem(string profile, ScepChallengeWebhookOptions options)
    {
        var prefix = $"{ScepOptions.Section}:ChallengeWebhooks:{profile}";
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            return $"{prefix}:Url must be an absolute https URL (http only to a loopback address), found '{options.Url}'";
        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(1))
            return $"{prefix}:Timeout must be between 00:00:00.1 and 00:01:00";
        return null;
    }
}
