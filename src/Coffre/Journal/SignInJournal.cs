using System.Text;
using Coffre.Platform;

namespace Coffre.Journal;

/// <summary>
/// The dashboard's sign-ins (<c>logins.jsonl</c> in the log folder), one <see cref="RunRecord"/> a line like
/// history.jsonl but apart from it: anyone who can reach the login page writes here, so it is bounded on its own
/// (<see cref="MaxBytes"/>, then it rolls to <c>logins.jsonl.1</c>, replacing it) and can never push a backup's
/// record out of the run history. Readers read its tail only (<see cref="Recent"/>).
/// </summary>
public sealed class SignInJournal
{
    /// <summary>logins.jsonl rolls past this size: the sign-ins take at most twice this on disk.</summary>
    public const long MaxBytes = 1L << 20;

    /// <summary>A record longer than this is not written (a login record is a few hundred bytes).</summary>
    public const int MaxRecordBytes = 4096;

    private const int TailBytes = 64 << 10;
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    public SignInJournal(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    public string FilePath => Path.Combine(Folder, LogPaths.SignInFile);

    /// <summary>Records a sign-in (or a refusal). Throws (IOException, UnauthorizedAccessException) when the folder cannot be written.</summary>
    public void Append(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = Encoding.UTF8.GetBytes(record.ToJson() + "\n");
        if (json.Length > MaxRecordBytes) throw new ArgumentException($"a sign-in record of {json.Length} bytes is longer than {MaxRecordBytes}", nameof(record));
        var folder = UnixPath.FromString(Folder);
        Posix.MakeDirectoryAll(folder, 0x1C0 /* 0700 */);
        using (var held = Posix.TryLockDirectory(folder, LockWait))
        {
            var file = new FileInfo(FilePath);
            if (held is not null && file.Exists && file.Length + json.Length > MaxBytes)
                File.Move(FilePath, FilePath + ".1", overwrite: true);
        }
        using var handle = Posix.OpenAppend(UnixPath.FromString(FilePath), 0x180 /* 0600 */);
        Posix.Append(handle, json);
    }

    /// <summary>The last <paramref name="count"/> records, oldest first, read from the end of the files only.</summary>
    public IReadOnlyList<RunRecord> Recent(int count)
    {
        var runs = Tail(FilePath);
        if (runs.Count < count) runs.InsertRange(0, Tail(FilePath + ".1"));
        return runs.Count <= count ? runs : runs.GetRange(runs.Count - count, count);
    }

    private static List<RunRecord> Tail(string file)
    {
        var runs = new List<RunRecord>();
        if (!File.Exists(file)) return runs;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - TailBytes);
        stream.Position = start;
        var bytes = new byte[stream.Length - start];
        var n = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(bytes, 0, n);
        var lines = text.Split('\n');
        // The first line of a tail that starts inside the file may be cut: skip it.
        foreach (var line in lines.Skip(start > 0 ? 1 : 0))
            if (line.Length > 0 && RunRecord.FromJson(line) is { } run) runs.Add(run);
        return runs;
    }
}
