namespace Coffre.Scheduling;

/// <summary>
/// What <c>coffre schedule install</c> writes for one configuration: the jobs, how to start <c>coffre</c>, and where
/// the password variables come from. Never a password: the units and cron lines only name the configuration.
/// </summary>
/// <param name="ConfigPath">The configuration file, absolute.</param>
/// <param name="Coffre">How to start coffre, absolute: <c>/usr/local/bin/coffre</c>, or <c>/usr/bin/dotnet /opt/coffre/coffre.dll</c>.</param>
/// <param name="EnvironmentFile">
/// A file (mode 0600, written by the administrator) of <c>NAME=value</c> lines for the variables named by
/// <c>passwordEnv</c>; null when the configuration uses none.
/// </param>
/// <param name="User">systemd: a user unit (<c>systemctl --user</c>), not a system one.</param>
public sealed record ScheduleInstall(
    string ConfigPath,
    string Application,
    IReadOnlyList<ScheduledJob> Jobs,
    IReadOnlyList<string> Coffre,
    string? EnvironmentFile,
    bool User = false)
{
    /// <summary>The first line of every file and the crontab block Coffre writes, so a reinstall finds its own.</summary>
    public const string Marker = "# Written by 'coffre schedule install' for ";

    /// <summary>Runs are serialized by an flock(1) on the configuration file: a drill waits for the backup before it.</summary>
    public const string Flock = "/usr/bin/flock";

    /// <summary>The unit name without suffix: <c>coffre-boutique-full-drill</c>.</summary>
    public string UnitName(ScheduledJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var app = new string(Application.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '_').ToArray());
        var name = job.Kind switch
        {
            JobKind.FullDrill => "full-drill",
            _ => job.Name,
        };
        return $"coffre-{app}-{name}";
    }

    /// <summary>The command line of a job, as argument strings: <c>flock CONFIG coffre backup -c CONFIG</c>.</summary>
    public IReadOnlyList<string> CommandLine(ScheduledJob job, bool quiet)
    {
        ArgumentNullException.ThrowIfNull(job);
        List<string> args = [Flock, ConfigPath, .. Coffre, .. job.Arguments];
        if (quiet) args.Add("-q");
        args.AddRange(["-c", ConfigPath]);
        return args;
    }

    /// <summary>What a job does, for a unit's Description: <c>backup of boutique</c>, <c>full restore drill of boutique</c>.</summary>
    public string Describe(ScheduledJob job) => job?.Kind switch
    {
        JobKind.Backup => $"backup of {Application}",
        JobKind.Drill => $"restore drill of {Application}",
        JobKind.FullDrill => $"full restore drill of {Application}",
        JobKind.Check => $"check of {Application}'s repository",
        _ => $"prune of {Application}'s repository",
    };
}
