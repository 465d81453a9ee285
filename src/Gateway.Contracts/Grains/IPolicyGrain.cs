namespace Gateway.Contracts.Grains;

/// <summary>The compiled rules of one profile (key = profile name).</summary>
[Alias("Gateway.IPolicyGrain")]
public interface IPolicyGrain : IGrainWithStringKey
{
    /// <summary>Decides a request; <see cref="RejectionReason.UnknownProfile"/> when the profile does not exist.</summary>
    [Alias("EvaluateAsync")]
    Task<Decision> EvaluateAsync(PolicyInput input);

    /// <summary>Decides a request with facts from the store (quota counts, key reuse, renewal timing) for the rules that need them.</summary>
    [Alias("EvaluateWithFactsAsync")]
    Task<Decision> EvaluateWithFactsAsync(PolicyInput input, EvaluationFacts facts);
}
