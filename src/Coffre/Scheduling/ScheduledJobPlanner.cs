namespace Coffre.Scheduling;

/// <summary>
/// Decides which job of one repository runs now. Pure bookkeeping, no clock and no threads: the
/// <see cref="ScheduleRunner"/> asks it and tells it when a job ended.
/// <list type="bullet">
/// <item>Each job has one due time: the first occurrence of its schedule after its last run (from the history),
/// or after the start when it never ran. A due time in the past is a run missed while nothing was running: it
/// runs once, right away, however many occurrences were missed.</item>
/// <item>One job at a time: among the due jobs, the one due first (ties: backup, drill, full drill, prune) runs;
/// the others wait their turn. A job's next due time is the first occurrence after its run ended, so a run that
/// outlasts its interval is not followed by a burst of late ones.</item>
/// </list>
/// </summary>
public sealed class ScheduledJobPlanner
{
    private readonly List<ScheduledJob> jobs;
    private readonly Dictionary<ScheduledJob, DateTimeOffset?> due = [];
    private readonly TimeZoneInfo zone;

    /// <param name="lastRuns">When each job last started (<see cref="LastRuns.FromHistory"/>); a missing job never ran.</param>
    /// <param name="start">Now, when the service starts.</param>
    public ScheduledJobPlanner(IEnumerable<ScheduledJob> jobs, IReadOnlyDictionary<JobKind, DateTimeOffset> lastRuns, TimeZoneInfo zone, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(lastRuns);
        this.jobs = [.. jobs];
        this.zone = zone;
        foreach (var job in this.jobs)
            due[job] = job.Schedule.Next(lastRuns.TryGetValue(job.Kind, out var last) ? last : start, zone);
    }

    public IReadOnlyList<ScheduledJob> Jobs => jobs;

    /// <summary>When the job is due next (in the past: it is waiting to run); null when its schedule never comes.</summary>
    public DateTimeOffset? DueTime(ScheduledJob job) => due[job];

    /// <summary>The earliest due time of all jobs: when to look again.</summary>
    public DateTimeOffset? NextDue => due.Values.Where(d => d is not null).Min();

    /// <summary>The job to run now, or null when none is due.</summary>
    public ScheduledJob? Due(DateTimeOffset now) => jobs
        .Where(j => due[j] is { } d && d <= now)
        .OrderBy(j => due[j])
        .ThenBy(j => j.Kind)
        .FirstOrDefault();

    /// <summary>The job ended (however it ended) at <paramref name="end"/>: it is next due at its first occurrence after that.</summary>
    public void Completed(ScheduledJob job, DateTimeOffset end) => due[job] = job.Schedule.Next(end, zone);
}
