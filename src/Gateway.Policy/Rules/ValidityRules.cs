using Gateway.Policy.Parsing;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>validity</c> section.</summary>
internal sealed class ValidityRules
{
    public TimeSpan Default { get; init; } = TimeSpan.FromDays(90);

    public TimeSpan Max { get; init; } = TimeSpan.FromDays(90);

    public TimeSpan Backdate { get; init; } = TimeSpan.Zero;

    public static ValidityRules Standard { get; } = new();

    /// <summary>NotBefore = now − backdate; NotAfter = now + default, capped so the whole period (backdate included) is at most max.</summary>
    public (DateTimeOffset NotBefore, DateTimeOffset NotAfter) Compute(DateTimeOffset now, RuleRecorder rules)
    {
        var notBefore = now - Backdate;
        var notAfter = now + Default;
        var backdated = Backdate > TimeSpan.Zero ? $", backdated {Durations.Format(Backdate)}" : string.Empty;
        if (notAfter - notBefore > Max)
        {
            notAfter = notBefore + Max;
            rules.Allow("validity.max", $"Valid from {Durations.Format(notBefore)} to {Durations.Format(notAfter)}: default {Durations.Format(Default)}{backdated}, capped at max {Durations.Format(Max)} in total");
        }
        else
        {
            rules.Allow("validity.default", $"Valid from {Durations.Format(notBefore)} to {Durations.Format(notAfter)}: default {Durations.Format(Default)}{backdated}");
        }

        return (notBefore, notAfter);
    }
}
