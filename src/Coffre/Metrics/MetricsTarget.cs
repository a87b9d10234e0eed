namespace Coffre.Metrics;

/// <summary>
/// What <see cref="CoffreMetrics"/> watches: a repository folder (size, free space), the log folder whose
/// history.jsonl it reads (<see cref="Journal.LogPaths.Resolve"/>), and the application configured there, which is
/// reported (its counters at zero) even before its first backup.
/// </summary>
public sealed record MetricsTarget
{
    public string? Repository { get; init; }

    public string? LogFolder { get; init; }

    public string? Application { get; init; }

    /// <summary>The application's copies (coffre.json <c>copies</c>): how far behind each is, from the same history.</summary>
    public IReadOnlyList<Configuration.CopySection> Copies { get; init; } = [];
}
