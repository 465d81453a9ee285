namespace Gateway.Contracts.Grains;

/// <summary>The compiled rules of one profile (key = profile name).</summary>
[Alias("Gateway.IPolicyGrain")]
public interface IPolicyGrain : IGrainWithStringKey
{
    /// <summary>Decides a request; <see cref="RejectionReason.UnknownProfile"/> when the profile does not exist.</summary>
    [Alias("EvaluateAsync")]
    Task<Decision> EvaluateAsync(PolicyInput input);
}
