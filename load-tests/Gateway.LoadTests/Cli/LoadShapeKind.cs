namespace Gateway.LoadTests.Cli;

/// <summary>How requests are offered to the server.</summary>
internal enum LoadShapeKind
{
    /// <summary>Closed loop: N workers, each sends its next request when the previous one answered.</summary>
    Concurrency,

    /// <summary>Open loop: requests are sent at a fixed arrival rate, whether or not earlier ones have answered.</summary>
    Rate,

    /// <summary>Closed loop whose worker count grows linearly from one value to another.</summary>
    Ramp,
}
