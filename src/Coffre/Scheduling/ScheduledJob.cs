using Coffre.Configuration;

namespace Coffre.Scheduling;

/// <summary>What a schedule starts: a backup, a sampled or full restore drill, or (later) a prune.</summary>
public enum JobKind
{
    Backup,
    Drill,
    FullDrill,
    Prune,
}

/// <summary>A job of the configuration and its schedule.</summary>
public sealed record ScheduledJob(JobKind Kind, Schedule Schedule)
{
    /// <summary>The configuration key: <c>backup</c>, <c>drill</c>, <c>fullDrill</c>, <c>prune</c>.</summary>
    public string Name => Kind switch
    {
        JobKind.Backup => "backup",
        JobKind.Drill => "drill",
        JobKind.FullDrill => "fullDrill",
        _ => "prune",
    };

    /// <summary>The <c>coffre</c> arguments that run it (before <c>-c FILE</c>).</summary>
    public IReadOnlyList<string> Arguments => Kind switch
    {
        JobKind.Backup => ["backup"],
        JobKind.Drill => ["drill"],
        JobKind.FullDrill => ["drill", "--full"],
        _ => ["prune"],
    };

    /// <summary>The jobs a configuration schedules, in the order they run when due together (a backup before the drills that test it).</summary>
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
        return jobs;
    }
}
