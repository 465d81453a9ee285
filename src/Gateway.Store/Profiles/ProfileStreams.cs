using Gateway.Contracts;

namespace Gateway.Store;

/// <summary>Stream ids of profiles: <c>profile:&lt;lower-case name&gt;</c> (also the <see cref="Records.ProfileRecord"/> id).</summary>
public static class ProfileStreams
{
    public const string Prefix = "profile:";

    public static string For(string name) => Prefix + ProfileKeys.For(name);
}
