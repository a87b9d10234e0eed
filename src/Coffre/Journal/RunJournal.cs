using System.Text;
using Coffre.Platform;

namespace Coffre.Journal;

/// <summary>
/// The journal of one log folder: <c>backup.log</c> (a line per run, for people, rolled by day and size) and
/// <c>history.jsonl</c> (a JSON object per run, for programs). Safe to use from several threads and processes at
/// once: each line is one write(2) on a file opened with O_APPEND, and rolling happens under an flock(2) of the
/// folder. The folder is created 0700 and the files 0600 (an existing folder or file keeps its mode).
/// </summary>
public sealed class RunJournal
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);
    private readonly TimeProvider clock;
    private readonly LogRolling rolling;
    private readonly int minimumSeverity;

    /// <param name="folder">The log folder (<see cref="LogPaths.Resolve"/>); created when missing.</param>
    /// <param name="level">
    /// The configuration's <c>logging.level</c>: which runs get a line in backup.log (<c>info</c> and <c>debug</c>:
    /// all; <c>warning</c>: all but ok runs; <c>error</c>: failed ones). history.jsonl records every run.
    /// </param>
    public RunJournal(string folder, TimeProvider clock, LogRolling? rolling = null, string? level = null)
    {
        Folder = Path.GetFullPath(folder);
        this.clock = clock;
        this.rolling = rolling ?? new LogRolling();
        minimumSeverity = Severity(level);
    }

    public string Folder { get; }

    public string LogPath => Path.Combine(Folder, LogPaths.LogFile);

    public string HistoryPath => Path.Combine(Folder, LogPaths.HistoryFile);

    /// <summary>Records a run. Throws (IOException, UnauthorizedAccessException) when the folder cannot be written.</summary>
    public void Append(RunRecord record)
    {
        var folder = UnixPath.FromString(Folder);
        Posix.MakeDirectoryAll(folder, 0x1C0 /* 0700 */);
        var writeLine = SeverityOf(record.Result) >= minimumSeverity;
        var line = Encoding.UTF8.GetBytes(LogLine.Format(record) + "\n");
        var json = Encoding.UTF8.GetBytes(record.ToJson() + "\n");
        // Without the lock (another process stuck holding it) the run is still recorded; only rolling waits.
        using var held = Posix.TryLockDirectory(folder, LockWait);
        if (held is not null) LogRoller.Roll(Folder, clock.GetLocalNow(), writeLine ? line.Length : 0, json.Length, rolling);
        if (writeLine) AppendTo(LogPath, line);
        AppendTo(HistoryPath, json);
    }

    /// <summary>Every recorded run, oldest first (history.jsonl.1, then history.jsonl); lines that are not records are skipped.</summary>
    public IReadOnlyList<RunRecord> ReadHistory()
    {
        var runs = new List<RunRecord>();
        foreach (var file in new[] { HistoryPath + ".1", HistoryPath })
        {
            if (!File.Exists(file)) continue;
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);
            while (reader.ReadLine() is { } line)
                if (line.Length > 0 && RunRecord.FromJson(line) is { } run) runs.Add(run);
        }
        return runs;
    }

    private static void AppendTo(string path, byte[] line)
    {
        using var handle = Posix.OpenAppend(UnixPath.FromString(path), 0x180 /* 0600 */);
        Posix.Append(handle, line);
    }

    private static int Severity(string? level) => level?.ToLowerInvariant() switch
    {
        "warning" => 2,
        "error" => 3,
        _ => 1, // debug, info, none
    };

    private static int SeverityOf(string result) => result switch
    {
        RunResults.Ok => 1,
        RunResults.Incomplete => 2,
        _ => 3,
    };
}
