using System.Text;

namespace Coffre.Scheduling;

/// <summary>The systemd service and timer files of a <see cref="ScheduleInstall"/> (systemd.service(5), systemd.timer(5)).</summary>
public static class SystemdUnits
{
    /// <summary>Each file's name and content: for every job <c>NAME.service</c> (oneshot) and <c>NAME.timer</c>.</summary>
    public static IReadOnlyList<(string FileName, string Content)> Generate(ScheduleInstall install)
    {
        ArgumentNullException.ThrowIfNull(install);
        var files = new List<(string, string)>();
        foreach (var job in install.Jobs)
        {
            var name = install.UnitName(job);
            var header = $"{ScheduleInstall.Marker}{install.ConfigPath} (reinstalling replaces this file)\n";

            var service = new StringBuilder(header)
                .Append("[Unit]\n")
                .Append($"Description=Coffre {install.Describe(job)}\n");
            if (!install.User) service.Append("Wants=network-online.target\nAfter=network-online.target\n");
            service.Append("\n[Service]\nType=oneshot\n")
                .Append($"ExecStart={string.Join(' ', install.CommandLine(job, quiet: false).Select(Quote))}\n");
            if (install.EnvironmentFile is { } env) service.Append($"EnvironmentFile={Quote(env)}\n");
            service.Append("Nice=10\nIOSchedulingClass=best-effort\nIOSchedulingPriority=7\n");
            files.Add((name + ".service", service.ToString()));

            var timer = new StringBuilder(header)
                .Append("[Unit]\n")
                .Append($"Description=Coffre {install.Describe(job)}: {job.Schedule.Text}\n")
                .Append("\n[Timer]\n");
            foreach (var calendar in SystemdCalendar.OnCalendar(job.Schedule)) timer.Append($"OnCalendar={calendar}\n");
            // A run missed while the machine was off runs once when it is back (like coffre serve).
            timer.Append("Persistent=true\n\n[Install]\nWantedBy=timers.target\n");
            files.Add((name + ".timer", timer.ToString()));
        }
        return files;
    }

    /// <summary>One argument of ExecStart=: quoted when needed; <c>%</c> and <c>$</c> doubled so systemd takes them literally.</summary>
    internal static string Quote(string arg)
    {
        if (arg.Any(char.IsControl)) throw new ArgumentException($"a control character in \"{arg}\" cannot go into a unit file", nameof(arg));
        var escaped = arg.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        if (arg.Length > 0 && arg.All(ch => char.IsAsciiLetterOrDigit(ch) || "_@%+=:,./-$".Contains(ch, StringComparison.Ordinal)))
            return escaped;
        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
