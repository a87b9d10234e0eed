using System.Globalization;
using System.Text;

namespace Coffre.Journal;

/// <summary>
/// One line of <c>backup.log</c> per run, for people and grep: the time the run ended (ISO 8601 with the UTC
/// offset), the operation, the result, then <c>key=value</c> fields that apply, the error last:
/// <code>2026-01-29T09:42:31.120+01:00 backup ok app=boutique snapshot=3e7d4c4a added=1.20MiB processed=52.31MiB files=120 duration=4.213s exit=0 repo=/srv/boutique/backups</code>
/// </summary>
public static class LogLine
{
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    public static string Format(RunRecord r)
    {
        var sb = new StringBuilder(256);
        sb.Append(r.End.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append(' ')
          .Append(r.Operation.Replace(' ', '-')).Append(' ').Append(r.Result);
        Field(sb, "app", r.Application);
        Field(sb, "snapshot", r.SnapshotId is { Length: > 8 } id ? id[..8] : r.SnapshotId);
        Field(sb, "added", r.BytesAdded is { } added ? Bytes(added) : null);
        Field(sb, "processed", r.BytesProcessed is { } processed ? Bytes(processed) : null);
        Field(sb, "files", r.Files?.ToString(CultureInfo.InvariantCulture));
        Field(sb, "duration", r.DurationSeconds.ToString("0.000", CultureInfo.InvariantCulture) + "s");
        Field(sb, "exit", r.ExitCode.ToString(CultureInfo.InvariantCulture));
        Field(sb, "repo", r.Repository);
        if (r.Checked is not null) sb.Append(" checked=").Append(Quote(r.Checked));
        if (r.Error is not null) sb.Append(" error=").Append(Quote(r.Error));
        return sb.ToString();
    }

    /// <summary>The time a line starts with, or null when it does not start with one.</summary>
    public static DateTimeOffset? ReadTime(string line)
    {
        var end = line.IndexOf(' ', StringComparison.Ordinal);
        var token = end < 0 ? line : line[..end];
        return DateTimeOffset.TryParseExact(token, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
    }

    /// <summary>Control characters (line breaks included) become spaces: one run, one line, whatever a message holds.</summary>
    public static string OneLine(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (char.IsControl(chars[i])) chars[i] = ' ';
        return new string(chars).Trim();
    }

    private static void Field(StringBuilder sb, string key, string? value)
    {
        if (value is not null) sb.Append(' ').Append(key).Append('=').Append(NeedsQuotes(value) ? Quote(value) : value);
    }

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 || value.Any(c => c is ' ' or '"' or '=' or '\\' || char.IsControl(c));

    private static string Quote(string value) =>
        "\"" + OneLine(value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        var i = 0;
        while (v >= 1024 && i < units.Length - 1) { v /= 1024; i++; }
        return i == 0 ? $"{n}B" : string.Create(CultureInfo.InvariantCulture, $"{v:0.00}{units[i]}");
    }
}
