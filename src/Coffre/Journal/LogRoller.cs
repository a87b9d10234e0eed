using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Journal;

/// <summary>
/// Renames the journal's files before a line is appended: only ever called by the process that holds the log
/// folder's lock, so two processes never roll the same file. Nothing here deletes a line of the current day
/// except the oldest part beyond <see cref="LogRolling.MaxParts"/>.
/// </summary>
internal static partial class LogRoller
{
    public static void Roll(string folder, DateTimeOffset now, long lineBytes, long historyBytes, LogRolling rolling)
    {
        var log = Path.Combine(folder, LogPaths.LogFile);
        var info = new FileInfo(log);
        var today = DateOnly.FromDateTime(now.DateTime);
        if (info.Exists && info.Length > 0)
        {
            var day = DayOf(log, info);
            if (day < today)
            {
                MoveGroup(log, Path.Combine(folder, DayFileName(day)), rolling.MaxParts);
                RemoveDaysBefore(folder, today.AddDays(-rolling.KeepDays));
            }
            else if (info.Length + lineBytes > rolling.MaxBytes)
                Shift(log, 1, rolling.MaxParts);
        }
        var history = new FileInfo(Path.Combine(folder, LogPaths.HistoryFile));
        if (history.Exists && history.Length > 0 && history.Length + historyBytes > rolling.MaxHistoryBytes)
            File.Move(history.FullName, history.FullName + ".1", overwrite: true);
    }

    public static string DayFileName(DateOnly day) => $"backup-{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.log";

    /// <summary>Part <paramref name="index"/> of a file: the file itself for 0, else FILE.index.</summary>
    public static string Part(string file, int index) => index == 0 ? file : $"{file}.{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The day backup.log belongs to: the date its first line was written, else its modification date.</summary>
    private static DateOnly DayOf(string log, FileInfo info)
    {
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var head = new byte[64];
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (LogLine.ReadTime(Encoding.UTF8.GetString(head, 0, n)) is { } written) return DateOnly.FromDateTime(written.DateTime);
        }
        return DateOnly.FromDateTime(info.LastWriteTime);
    }

    /// <summary>
    /// Moves a file and its parts to <paramref name="to"/> and its parts. When <paramref name="to"/> already exists
    /// (the clock went back) its parts move up first, so no file is replaced.
    /// </summary>
    private static void MoveGroup(string from, string to, int maxParts)
    {
        var parts = Enumerable.Range(0, maxParts + 1).Where(i => File.Exists(Part(from, i))).ToList();
        if (File.Exists(to)) Shift(to, parts.Count, maxParts);
        for (var k = 0; k < parts.Count; k++) File.Move(Part(from, parts[k]), Part(to, k), overwrite: false);
    }

    /// <summary>FILE.k becomes FILE.(k+by) for every part, newest last; parts pushed past <paramref name="maxParts"/> are removed.</summary>
    private static void Shift(string file, int by, int maxParts)
    {
        for (var k = maxParts; k >= 0; k--)
        {
            var source = Part(file, k);
            if (!File.Exists(source)) continue;
            if (k + by > maxParts) File.Delete(source);
            else File.Move(source, Part(file, k + by), overwrite: true);
        }
    }

    private static void RemoveDaysBefore(string folder, DateOnly oldest)
    {
        foreach (var path in Directory.EnumerateFiles(folder, "backup-*.log*"))
        {
            var m = DayFile().Match(Path.GetFileName(path));
            if (m.Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day < oldest)
                File.Delete(path);
        }
    }

    [GeneratedRegex(@"^backup-(\d{8})\.log(\.\d+)?$")]
    private static partial Regex DayFile();
}
