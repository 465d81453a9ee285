using System.Reflection;

namespace Gateway.Store;

/// <summary>
/// How an inline snapshot record is built from its stream's events, read once by reflection from the one convention
/// Gateway's records use: <c>public static TRecord Create(TEvent)</c> for a stream's first event and
/// <c>public void Apply(TEvent)</c> for the rest (Marten's own convention for self-aggregating snapshots). A record
/// that uses any other of Marten's forms (a constructor taking an event, <c>ShouldDelete</c>, <c>Evolve</c>,
/// <c>IEvent&lt;T&gt;</c> parameters, an Apply that returns a new instance, non-public methods) gets no fold:
/// <see cref="For"/> answers null and such streams stay with Marten's session, so this never builds a record Marten
/// would build differently.
/// </summary>
public sealed class SnapshotFold
{
    private static readonly string[] ConventionNames = ["Apply", "Create", "ShouldDelete", "Evolve", "EvolveAsync", "DetermineAction", "DetermineActionAsync"];

    private readonly Dictionary<Type, MethodInvoker> _create;
    private readonly Dictionary<Type, MethodInvoker> _apply;

    private SnapshotFold(Type recordType, Dictionary<Type, MethodInvoker> create, Dictionary<Type, MethodInvoker> apply)
    {
        RecordType = recordType;
        _create = create;
        _apply = apply;
    }

    public Type RecordType { get; }

    /// <summary>The record's fold, or null when it uses a form this class does not follow exactly as Marten does.</summary>
    public static SnapshotFold? For(Type recordType)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        if (recordType.GetConstructor(Type.EmptyTypes) is null
            || recordType.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Any(c => c.GetParameters().Length > 0))
        {
            return null;
        }
        var create = new Dictionary<Type, MethodInvoker>();
        var apply = new Dictionary<Type, MethodInvoker>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        for (var type = recordType; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var method in type.GetMethods(all).Where(m => ConventionNames.Contains(m.Name)))
            {
                var parameters = method.GetParameters();
                if (!method.IsPublic || method.IsGenericMethodDefinition || parameters.Length != 1 || parameters[0].ParameterType.IsGenericType) return null;
                var eventType = parameters[0].ParameterType;
                if (method.Name == "Create" && method.IsStatic && method.ReturnType == recordType && create.TryAdd(eventType, MethodInvoker.Create(method))) continue;
                if (method.Name == "Apply" && !method.IsStatic && method.ReturnType == typeof(void) && apply.TryAdd(eventType, MethodInvoker.Create(method))) continue;
                return null;
            }
        }
        return create.Count == 0 ? null : new SnapshotFold(recordType, create, apply);
    }

    /// <summary>Whether any event of this type changes the record (Marten projects a stream holding one).</summary>
    public bool Handles(Type eventType) => _create.ContainsKey(eventType) || _apply.ContainsKey(eventType);

    /// <summary>Whether any of <paramref name="events"/> changes the record (a loop, not LINQ: it runs for every append of the hot path).</summary>
    public bool HandlesAny(IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            if (Handles(e.GetType())) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <see cref="Fold"/> can build the record of a new stream of <paramref name="events"/>: its first handled
    /// event creates it and every later handled event applies.
    /// </summary>
    public bool CanFold(IReadOnlyList<object> events)
    {
        var created = false;
        foreach (var e in events)
        {
            var type = e.GetType();
            if (!created)
            {
                if (_create.ContainsKey(type)) created = true;
                else if (_apply.ContainsKey(type)) return false;
            }
            else if (_create.ContainsKey(type) && !_apply.ContainsKey(type))
            {
                return false;
            }
        }
        return created;
    }

    /// <summary>The record of a new stream of <paramref name="events"/>; the caller has checked <see cref="CanFold"/>.</summary>
    public object Fold(IReadOnlyList<object> events)
    {
        object? record = null;
        foreach (var e in events)
        {
            var type = e.GetType();
            if (record is null)
            {
                if (_create.TryGetValue(type, out var create)) record = create.Invoke(null, e);
            }
            else if (_apply.TryGetValue(type, out var apply))
            {
                apply.Invoke(record, e);
            }
        }
        return record ?? throw new InvalidOperationException($"No event creates a {RecordType.Name}.");
    }
}
