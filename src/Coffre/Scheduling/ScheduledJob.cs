using Coffre.Configuration;

namespace Coffre.Scheduling;

/// <summary>What a schedule starts: a backup, a sampled or full restore drill, a prune or a check. In this order when several are due together.</summary>
public enum JobKind
{
    Backup,
    Drill,
    FullDrill,
    Prune,

    /// <summary>A structure check of the repository (<c>coffre check</c>, no data read), after a prune that is due with it.</summary>
    Check,
}

/// <summary>A job of the configuration and its schedule.</summary>
public sealed record ScheduledJob(JobKind Kind, Schedule Schedule)
{
    /// <summary>The configuration key: <c>backup</c>, <c>drill</c>, <c>fullDrill</c>, <c>prune</c>, <c>check</c>.</summary>
    public string Name => Kind switch
    {
        JobKind.Backup => "backup",
        JobKind.Drill => "drill",
        JobKind.FullDrill => "fullDrill",
        JobKind.Check => "check",
        _ => "prune",
    };

    /// <summary>The <c>coffre</c> arguments that run it (before <c>-c FILE</c>).</summary>
    public IReadOnlyList<string> Arguments => JobKinds.Arguments(Kind);

    /// <summary>
    /// The jobs a configuration schedules, in the order they run when due together: a backup before the drills that
    /// test it, a prune after them (it rewrites what they read), a check last (it verifies what the prune left).
    /// </summary>
    public static IReadOnlyList<ScheduledJob> FromConfig(ScheduleSection schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var jobs = new List<ScheduledJob>();
        void Add(JobKind kind, string? text)
        {
            if (!string.IsNullOrWhiteSpace(text)) jobs.Add(new ScheduledJob(kind, Schedule.Parse(text)));
        }
        Add(JobKind.Backup, schedule.Backup);
        Add(JobKind.Drill, schedule.Drill);
        Add(JobKind.FullDrill, schedule.FullDrill);
        Add(JobKind.Prune, schedule.Prune);
        Add(JobKind.Check, schedule.Check);
        return jobs;
    }
}
