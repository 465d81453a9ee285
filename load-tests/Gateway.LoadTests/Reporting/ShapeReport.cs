using System.Globalization;
using Gateway.LoadTests.Cli;

namespace Gateway.LoadTests.Reporting;

/// <summary>The load shape as run: kind (<c>concurrency</c>, <c>rate</c>, <c>ramp</c>) and its parameters.</summary>
internal sealed record ShapeReport(
    string Kind, int? Concurrency, double? Rate, int? RampFrom, int? RampTo, double? RampSeconds, int ConnectionsPerServer, int? MaxInFlight)
{
    public static ShapeReport From(HarnessOptions o) => o.Shape switch
    {
        LoadShapeKind.Rate => new ShapeReport("rate", null, o.Rate, null, null, null, o.EffectiveConnections, o.MaxInFlight),
        LoadShapeKind.Ramp => new ShapeReport("ramp", null, null, o.RampFrom, o.RampTo, o.RampSeconds, o.EffectiveConnections, null),
        _ => new ShapeReport("concurrency", o.Concurrency, null, null, null, null, o.EffectiveConnections, null),
    };

    public string Describe() => Kind switch
    {
        "rate" => string.Create(CultureInfo.InvariantCulture, $"open loop, {Rate} req/s offered, {ConnectionsPerServer} connections/server, max {MaxInFlight} in flight"),
        "ramp" => string.Create(CultureInfo.InvariantCulture, $"closed loop, workers {RampFrom} → {RampTo} over {RampSeconds} s, {ConnectionsPerServer} connections/server"),
        _ => string.Create(CultureInfo.InvariantCulture, $"closed loop, {Concurrency} workers, {ConnectionsPerServer} connections/server"),
    };
}
