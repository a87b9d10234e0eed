using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffre.Journal;

/// <summary>
/// One run of a Coffre operation (a backup, a restore, a check...) as <c>history.jsonl</c> keeps it: one JSON object
/// per line, snake_case keys, every key always present (null when it does not apply). A record of what was done and
/// how it ended, never a copy of what the repository holds. Holds no secret.
/// </summary>
public sealed record RunRecord
{
    /// <summary>The command, e.g. <c>backup</c>, <c>restore</c>, <c>config check</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>When the run started, with the machine's UTC offset.</summary>
    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public double DurationSeconds => Math.Round((End - Start).TotalSeconds, 3);

    /// <summary>The application (coffre.json's <c>application</c>) the run worked on; null for plain file runs.</summary>
    public string? Application { get; init; }

    /// <summary>The repository folder (absolute), when one was known.</summary>
    public string? Repository { get; init; }

    /// <summary>The snapshot written (backup, import) or read (restore, export).</summary>
    public string? SnapshotId { get; init; }

    /// <summary>New data stored in the repository (before compression).</summary>
    public long? BytesAdded { get; init; }

    /// <summary>Data read (backup) or written (restore, export).</summary>
    public long? BytesProcessed { get; init; }

    public long? Files { get; init; }

    /// <summary>One of <see cref="RunResults"/>.</summary>
    public required string Result { get; init; }

    /// <summary>Why the run did not end well, on one line; null when it did.</summary>
    public string? Error { get; init; }

    /// <summary>What a verification run (drill, verify, an application restore) checked, e.g. <c>database main: 4 tables, 208 rows; media uploads: 12 of 120 files</c>.</summary>
    public string? Checked { get; init; }

    /// <summary>How an application backup's copies went (coffre.json <c>copies</c>), e.g. <c>/mnt/usb: copied as 3e7d4c4a; /srv/nas: failed: ...</c>; null when it has none.</summary>
    public string? Copies { get; init; }

    /// <summary>Whether a copy of this backup failed (the backup itself is saved: the run still counts as ok).</summary>
    public bool? CopyFailed { get; init; }

    /// <summary>The process exit code (the documented contract: 0, 1, 3, 10, 11, 12, 130).</summary>
    public int ExitCode { get; init; }

    public string? Host { get; init; }

    /// <summary>The Coffre version that ran, e.g. <c>coffre 0.1.0</c>.</summary>
    public string? Version { get; init; }

    [JsonIgnore]
    public bool Failed => Result != RunResults.Ok;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never, // every key on every line: a stable shape for readers
        // Paths and messages stay readable (é, not \u00e9); the file is never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The record as one line of JSON (no line break inside; none at the end).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads one line of <c>history.jsonl</c>; null when it is not a record (a torn or foreign line).</summary>
    public static RunRecord? FromJson(string line)
    {
        try { return JsonSerializer.Deserialize<RunRecord>(line, Json); }
        catch (JsonException) { return null; }
    }
}
