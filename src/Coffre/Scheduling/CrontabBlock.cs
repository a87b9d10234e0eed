using System.Text;

namespace Coffre.Scheduling;

/// <summary>
/// The crontab lines of a <see cref="ScheduleInstall"/>, between a BEGIN and an END marker that name the configuration,
/// and the merge of that block into an existing crontab (other lines, and other configurations' blocks, are kept).
/// </summary>
public static class CrontabBlock
{
    public static string Begin(string configPath) => $"# BEGIN coffre {configPath} (written by 'coffre schedule install'; reinstalling replaces this block)";

    public static string End(string configPath) => $"# END coffre {configPath}";

    /// <summary>The block, with a line break after each line.</summary>
    public static string Generate(ScheduleInstall install)
    {
        ArgumentNullException.ThrowIfNull(install);
        var block = new StringBuilder(Begin(install.ConfigPath)).Append('\n');
        foreach (var job in install.Jobs)
        {
            var command = string.Join(' ', install.CommandLine(job, quiet: true).Select(Quote));
            // cron has no EnvironmentFile=: the same NAME=value file is read by the shell, exported (set -a).
            if (install.EnvironmentFile is { } env) command = $"set -a && . {Quote(env)} && set +a && {command}";
            foreach (var (fields, condition) in CrontabSchedule.Entries(job.Schedule))
                block.Append(fields).Append(' ').Append(condition is null ? command : $"{condition} && {command}").Append('\n');
        }
        return block.Append(End(install.ConfigPath)).Append('\n').ToString();
    }

    /// <summary>
    /// <paramref name="existing"/> (a crontab, possibly empty) with the block of <paramref name="configPath"/> replaced by
    /// <paramref name="block"/> where it was, or added at the end; a null block removes it. Throws
    /// <see cref="FormatException"/> when the crontab has a BEGIN line without its END (edited by hand: nothing is guessed).
    /// </summary>
    public static string Merge(string existing, string configPath, string? block)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var lines = existing.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var begin = lines.FindIndex(l => l.StartsWith($"# BEGIN coffre {configPath} (", StringComparison.Ordinal) || l == $"# BEGIN coffre {configPath}");
        var blockLines = block is null ? [] : block.TrimEnd('\n').Split('\n');
        if (begin < 0)
        {
            lines.AddRange(blockLines);
        }
        else
        {
            var end = lines.FindIndex(begin, l => l == End(configPath));
            if (end < 0) throw new FormatException($"the crontab has a \"# BEGIN coffre {configPath}\" line without its \"{End(configPath)}\": fix it with crontab -e");
            lines.RemoveRange(begin, end - begin + 1);
            lines.InsertRange(begin, blockLines);
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    /// <summary>A word for /bin/sh, single-quoted when needed; <c>%</c> escaped (cron turns a bare one into a line break).</summary>
    internal static string Quote(string arg)
    {
        if (arg.Any(char.IsControl)) throw new ArgumentException($"a control character in \"{arg}\" cannot go into a crontab", nameof(arg));
        var word = arg.Length > 0 && arg.All(ch => char.IsAsciiLetterOrDigit(ch) || "_@%+=:,./-".Contains(ch, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        return word.Replace("%", "\\%", StringComparison.Ordinal);
    }
}
