namespace Gateway.Cluster;

public enum SharedMaterialOutcome
{
    /// <summary>This node is the first: its material is now the cluster's.</summary>
    Registered,

    /// <summary>The cluster's material is this node's.</summary>
    Matched,

    /// <summary>The registered material had expired; this node's replaced it.</summary>
    Replaced,

    /// <summary>The cluster holds different, still valid material: this node must not serve.</summary>
    Conflict,
}
