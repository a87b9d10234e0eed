namespace Coffre.Journal;

/// <summary>
/// How <c>backup.log</c> rolls (docs/logging.md): by day (<c>backup-YYYYMMDD.log</c>), by size within a day
/// (<c>.1</c>, <c>.2</c>, ...), and how long day files are kept. <c>history.jsonl</c> only rolls by size, once.
/// </summary>
public sealed record LogRolling
{
    /// <summary>backup.log rolls to backup.log.1 before a line would take it past this size.</summary>
    public long MaxBytes { get; init; } = 10L << 20;

    /// <summary>Rolled parts kept per day (.1 newest ... .N oldest); older parts are removed.</summary>
    public int MaxParts { get; init; } = 3;

    /// <summary>Day files (backup-YYYYMMDD.log*) older than this many days are removed when a day rolls.</summary>
    public int KeepDays { get; init; } = 30;

    /// <summary>history.jsonl moves to history.jsonl.1 (replacing it) past this size; readers read both.</summary>
    public long MaxHistoryBytes { get; init; } = 50L << 20;
}
