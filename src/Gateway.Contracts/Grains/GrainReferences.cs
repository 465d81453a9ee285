using Orleans;
using Orleans.Runtime;

namespace Gateway.Contracts.Grains;

/// <summary>
/// Grain references for the enrollment hot path without Orleans' interface resolution on every call:
/// <c>GrainFactory.GetGrain&lt;T&gt;(key)</c> reads <typeparamref name="T"/>'s attributes through reflection each time
/// (2.5 % of the gateway's CPU per admin enrollment in <c>load-tests/hotpath.sh</c>'s profile). The grain type and
/// interface type of <typeparamref name="T"/> are taken from the first reference Orleans makes and reused; the reference
/// is then made from them and the key, as Orleans itself does.
/// </summary>
public static class GrainReferences
{
    /// <summary>The grain <typeparamref name="T"/> with <paramref name="key"/>: the same reference <c>GetGrain&lt;T&gt;(key)</c> gives.</summary>
    public static T Reference<T>(this IGrainFactory factory, string key) where T : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Resolved<T>.Types is { } types) return (T)factory.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        var grain = factory.GetGrain<T>(key);
        Resolved<T>.Remember(grain);
        return grain;
    }

    /// <summary>The grain <typeparamref name="T"/> with <paramref name="key"/>: the same reference <c>GetGrain&lt;T&gt;(key)</c> gives.</summary>
    public static T Reference<T>(this IGrainFactory factory, long key) where T : IGrainWithIntegerKey
    {
        if (Resolved<T>.Types is { } types) return (T)factory.GetGrain(GrainId.Create(types.Grain, GrainIdKeyExtensions.CreateIntegerKey(key)), types.Interface);
        var grain = factory.GetGrain<T>(key);
        Resolved<T>.Remember(grain);
        return grain;
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Resolved<T>
    {
        private static volatile GrainTypes? _types;

        public static GrainTypes? Types => _types;

        /// <summary>
        /// Keeps the types of a reference Orleans resolved. Not a system type: when no silo has announced an implementation
        /// yet, Orleans answers with a placeholder type and resolves again on the next call, and so does this class.
        /// </summary>
        public static void Remember(object grain)
        {
            if (grain is GrainReference reference && !reference.GrainId.Type.ToString()!.StartsWith(GrainTypePrefix.SystemPrefix, StringComparison.Ordinal))
            {
                _types = new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
            }
        }
    }
}
