using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coffre.IntegrationTests.Journal;

/// <summary>What a log folder holds, read the way a person (backup.log) or a program (history.jsonl) would.</summary>
internal sealed partial class JournalFiles(string folder)
{
    public string Folder { get; } = folder;

    public string LogPath => Path.Combine(Folder, "backup.log");

    public string HistoryPath => Path.Combine(Folder, "history.jsonl");

    public string[] LogLines => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    /// <summary>history.jsonl, one parsed object per line (every line must be one).</summary>
    public List<JsonElement> Records => File.Exists(HistoryPath)
        ? [.. File.ReadAllLines(HistoryPath).Select(l => JsonDocument.Parse(l).RootElement.Clone())]
        : [];

    /// <summary>"operation result" of each line of backup.log, e.g. "backup ok".</summary>
    public List<string> Summary => [.. LogLines.Select(l => string.Join(' ', l.Split(' ')[1..3]))];

    /// <summary>ISO 8601 with milliseconds and the UTC offset, then the operation and the result.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d [a-z-]+ (ok|failed|incomplete|wrong-password|interrupted|cancelled)( |$)")]
    public static partial Regex LineStart();

    /// <summary>Every byte of every file in the folder, as text (to look for what must never be there).</summary>
    public string AllText() => string.Concat(Directory.EnumerateFiles(Folder).Select(File.ReadAllText));

    public static string? Str(JsonElement record, string key) => record.GetProperty(key).ValueKind == JsonValueKind.Null ? null : record.GetProperty(key).GetString();

    public static long? Long(JsonElement record, string key) => record.GetProperty(key).ValueKind == JsonValueKind.Null ? null : record.GetProperty(key).GetInt64();
}
