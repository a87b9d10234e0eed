using Coffre.Configuration;
using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public class ScheduledJobPlannerTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly ScheduledJob Backup = new(JobKind.Backup, Schedule.Parse("daily 02:30"));
    private static readonly ScheduledJob Drill = new(JobKind.Drill, Schedule.Parse("daily 02:30"));

    [Fact]
    public void NeverRanWaitsForTheFirstOccurrence()
    {
        var planner = new ScheduledJobPlanner([Backup], new Dictionary<JobKind, DateTimeOffset>(), Utc, Start);
        Assert.Null(planner.Due(Start));
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 2, 30, 0, TimeSpan.Zero), planner.NextDue);
    }

    [Fact]
    public void RanOnTimeWaitsForTheNextOccurrence()
    {
        var planner = new ScheduledJobPlanner([Backup], new Dictionary<JobKind, DateTimeOffset> { [JobKind.Backup] = Start.AddHours(-7).AddMinutes(-30) }, Utc, Start);
        Assert.Null(planner.Due(Start));
    }

    [Fact]
    public void MissedRunsAreCaughtUpOnce()
    {
        // Last run four days ago: three occurrences were missed; one run catches up, then the schedule resumes.
        var planner = new ScheduledJobPlanner([Backup], new Dictionary<JobKind, DateTimeOffset> { [JobKind.Backup] = Start.AddDays(-4) }, Utc, Start);
        Assert.Equal(Backup, planner.Due(Start));
        planner.Completed(Backup, Start.AddMinutes(5));
        Assert.Null(planner.Due(Start.AddMinutes(5)));
        Assert.Null(planner.Due(Start.AddHours(16)));
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 2, 30, 0, TimeSpan.Zero), planner.NextDue);
    }

    [Fact]
    public void JobsDueTogetherRunOneAfterTheOtherBackupFirst()
    {
        var planner = new ScheduledJobPlanner([Drill, Backup], new Dictionary<JobKind, DateTimeOffset>(), Utc, Start);
        var at = new DateTimeOffset(2026, 1, 11, 2, 30, 0, TimeSpan.Zero);
        Assert.Equal(Backup, planner.Due(at));
        planner.Completed(Backup, at.AddMinutes(20));
        Assert.Equal(Drill, planner.Due(at.AddMinutes(20))); // waited its turn, still runs
        planner.Completed(Drill, at.AddMinutes(25));
        Assert.Null(planner.Due(at.AddMinutes(25)));
    }

    [Fact]
    public void ARunLongerThanItsIntervalIsNotFollowedByABurst()
    {
        var hourly = new ScheduledJob(JobKind.Backup, Schedule.Parse("hourly"));
        var planner = new ScheduledJobPlanner([hourly], new Dictionary<JobKind, DateTimeOffset>(), Utc, Start);
        Assert.Equal(hourly, planner.Due(Start.AddHours(1)));
        planner.Completed(hourly, Start.AddHours(3).AddMinutes(10)); // ran 2h10
        Assert.Null(planner.Due(Start.AddHours(3).AddMinutes(10)));
        Assert.Equal(Start.AddHours(4), planner.NextDue);
    }

    [Fact]
    public void JobsComeFromTheConfiguration()
    {
        var jobs = ScheduledJob.FromConfig(new ScheduleSection { Backup = "daily 02:30", FullDrill = "monthly 1 05:00" });
        Assert.Equal([JobKind.Backup, JobKind.FullDrill], jobs.Select(j => j.Kind));
        Assert.Equal(["drill", "--full"], jobs[1].Arguments);
        Assert.Empty(ScheduledJob.FromConfig(new ScheduleSection()));
    }

    [Fact]
    public void Prune_and_check_come_from_the_configuration_after_backup_and_drills()
    {
        var jobs = ScheduledJob.FromConfig(new ScheduleSection { Check = "daily 07:00", Prune = "weekly sun 06:00", Drill = "daily 04:00", Backup = "daily 02:30" });
        Assert.Equal([JobKind.Backup, JobKind.Drill, JobKind.Prune, JobKind.Check], jobs.Select(j => j.Kind));
        Assert.Equal(["prune", "check"], jobs.Skip(2).Select(j => j.Name));
        Assert.Equal([["prune"], ["check"]], jobs.Skip(2).Select(j => j.Arguments));
    }

    [Fact]
    public void Every_job_due_together_runs_in_turn_backup_drills_prune_check()
    {
        var at = new DateTimeOffset(2026, 1, 11, 3, 0, 0, TimeSpan.Zero);
        var jobs = ScheduledJob.FromConfig(new ScheduleSection { Check = "0 3 * * *", Prune = "daily 03:00", FullDrill = "daily 03:00", Drill = "daily 3:00", Backup = "daily 03:00" });
        var planner = new ScheduledJobPlanner(jobs.Reverse(), new Dictionary<JobKind, DateTimeOffset>(), Utc, Start);
        var order = new List<JobKind>();
        for (var now = at; planner.Due(now) is { } job; now = now.AddMinutes(1))
        {
            order.Add(job.Kind);
            planner.Completed(job, now.AddMinutes(1));
        }
        Assert.Equal([JobKind.Backup, JobKind.Drill, JobKind.FullDrill, JobKind.Prune, JobKind.Check], order);
    }
}
