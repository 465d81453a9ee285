using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gateway.Policy.Parsing;

/// <summary>Remembers where the last parsing event started, so an unexpected scanner failure can still be placed.</summary>
internal sealed class TrackingParser(IParser inner) : IParser
{
    public Mark LastMark { get; private set; } = Mark.Empty;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        if (inner.Current is { } current)
        {
            LastMark = current.Start;
        }

        return moved;
    }
}
