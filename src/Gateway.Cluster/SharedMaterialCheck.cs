namespace Gateway.Cluster;

/// <summary>The result of comparing one node's <see cref="SharedMaterial"/> with the cluster's registration.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Local">This node's material.</param>
/// <param name="Registered">The cluster's registration before this call (null when this node registered first).</param>
/// <param name="RegisteredBy">The node that registered it.</param>
/// <param name="RegisteredAt">When.</param>
public sealed record SharedMaterialCheck(
    SharedMaterialOutcome Outcome, SharedMaterial Local, SharedMaterial? Registered, string? RegisteredBy, DateTimeOffset? RegisteredAt);
