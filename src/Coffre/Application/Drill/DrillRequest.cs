namespace Coffre.Application.Drill;

/// <summary>Which backup a restore drill tests, and how much of its media.</summary>
public sealed record DrillRequest
{
    /// <summary><c>latest</c>, an ID (prefix) or YYYYMMDD_HHMMSS; ignored when <see cref="Random"/>.</summary>
    public string Snapshot { get; init; } = "latest";

    /// <summary>Test a backup picked at random among the application's backups (safety snapshots excluded).</summary>
    public bool Random { get; init; }

    /// <summary>Share of the media files restored and compared, in percent (at least one file when there are any).</summary>
    public double SamplePercent { get; init; } = 10;

    /// <summary>Every media file (<c>--full</c>).</summary>
    public bool Full { get; init; }

    /// <summary>Read from this repository instead of the configured one.</summary>
    public string? Destination { get; init; }

    /// <summary>Seed of the random choices (tests); null = unpredictable.</summary>
    public int? Seed { get; init; }
}
