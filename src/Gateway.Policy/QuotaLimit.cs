namespace Gateway.Policy;

/// <summary>At most <see cref="Count"/> certificates within <see cref="Window"/> (a sliding window ending now).</summary>
public sealed record QuotaLimit(int Count, TimeSpan Window);
