using System.Text;

namespace Coffre.Journal;

/// <summary>
/// The run history of one log folder for a long-running reader (the dashboard, /health): read whole once, then
/// only the lines appended since, so a request never reads the whole journal again. Reads everything again only
/// when the history rolled (history.jsonl.1 changed, or history.jsonl shrank). Keeps the newest <see cref="MaxRuns"/>
/// runs only, so its memory is bounded whatever the journal's length. Safe to use from several threads.
/// </summary>
public sealed class RunHistoryReader(string folder)
{
    /// <summary>The default <see cref="MaxRuns"/>: an hourly backup with its checks and drills for about two years.</summary>
    public const int DefaultMaxRuns = 20_000;

    private readonly Lock gate = new();
    private readonly List<RunRecord> runs = [];
    private IReadOnlyList<RunRecord>? view;
    private string? rolledStamp;
    private long offset;

    /// <summary>The most runs kept, the newest; older ones are let go.</summary>
    public int MaxRuns { get; init; } = DefaultMaxRuns;

    public string Folder { get; } = Path.GetFullPath(folder);

    private string HistoryPath => Path.Combine(Folder, LogPaths.HistoryFile);

    /// <summary>
    /// The recorded runs, oldest first, like <see cref="RunJournal.ReadHistory"/> but at most the newest
    /// <see cref="MaxRuns"/>: a read-only list the caller may keep, the same one until something is appended.
    /// </summary>
    public IReadOnlyList<RunRecord> Read()
    {
        lock (gate)
        {
            var rolled = Stamp(HistoryPath + ".1");
            var length = File.Exists(HistoryPath) ? new FileInfo(HistoryPath).Length : 0;
            if (rolled != rolledStamp || length < offset)
            {
                runs.Clear();
                view = null;
                offset = 0;
                rolledStamp = rolled;
                ReadFrom(HistoryPath + ".1", 0);
            }
            if (length > offset) offset = ReadFrom(HistoryPath, offset);
            Trim(MaxRuns);
            return view ??= runs.ToArray().AsReadOnly();
        }
    }

    /// <summary>Lets the oldest runs go beyond <paramref name="keep"/>.</summary>
    private void Trim(int keep)
    {
        if (runs.Count <= keep) return;
        runs.RemoveRange(0, runs.Count - keep);
        view = null;
    }

    /// <summary>Adds the complete lines of <paramref name="file"/> from <paramref name="start"/>; returns where the next read starts.</summary>
    private long ReadFrom(string file, long start)
    {
        if (!File.Exists(file)) return start;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= start) return start;
        stream.Position = start;
        var buffer = new byte[64 << 10];
        var line = new MemoryStream();
        var next = start;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            var from = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                line.Write(buffer, from, i - from);
                next += line.Length + 1;
                if (line.Length > 0 && RunRecord.FromJson(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length)) is { } run)
                {
                    runs.Add(run);
                    view = null;
                    if (runs.Count >= 2 * MaxRuns) Trim(MaxRuns); // a long file read at once stays within twice the bound
                }
                line.SetLength(0);
                from = i + 1;
            }
            line.Write(buffer, from, n - from);
        }
        return next; // a line still being written is read next time
    }

    private static string Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? $"{info.Length}@{info.LastWriteTimeUtc.Ticks}" : "-";
    }
}
