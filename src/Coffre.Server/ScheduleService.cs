using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Runs coffre.json's schedule (docs/scheduling.md) with the engine's <see cref="ScheduleRunner"/>, through the
/// service's <see cref="JobQueue"/>. The last runs come from the journal, so a restart neither repeats a job that
/// just ran nor forgets one that was missed. A stop lets a running job finish for <see cref="ScheduleRunner.StopGrace"/>.
/// </summary>
public sealed class ScheduleService(ServerSetup setup, JobQueue queue, ILogger<ScheduleService> log) : BackgroundService
{
    private volatile IReadOnlyList<(ScheduledJob Job, DateTimeOffset? Due)> plan = [];

    /// <summary>Every scheduled job and when it is due next (refreshed when a job ends).</summary>
    public IReadOnlyList<(ScheduledJob Job, DateTimeOffset? Due)> Plan => plan;

    /// <summary>Why nothing is scheduled although the configuration asks for it, or null.</summary>
    public string? Problem { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = setup.Config;
        if (setup.ConfigProblems.Count > 0)
        {
            Problem = $"nothing is scheduled: the configuration has {setup.ConfigProblems.Count} problem(s)";
            log.LogError("{Problem}: {First}", Problem, setup.ConfigProblems[0]);
            return;
        }
        IReadOnlyList<ScheduledJob> jobs;
        try { jobs = ScheduledJob.FromConfig(config.Schedule); }
        catch (FormatException e)
        {
            Problem = $"the schedule is invalid, nothing is scheduled: {e.Message}";
            log.LogError("the schedule of {Config} is invalid, nothing is scheduled: {Message}", config.FilePath ?? "the configuration", e.Message);
            return;
        }
        if (jobs.Count == 0)
        {
            log.LogWarning("{Config} schedules nothing (schedule.backup): backups run only from the dashboard", config.FilePath);
            return;
        }
        var history = setup.LogFolder is { } folder ? new RunJournal(folder, setup.Clock).ReadHistory() : [];
        var last = LastRuns.FromHistory(history, config.Application!, setup.RepositoryPath);
        var planner = new ScheduledJobPlanner(jobs, last, setup.TimeZone, setup.Clock.GetUtcNow());
        void Snapshot() => plan = [.. planner.Jobs.Select(j => (j, planner.DueTime(j)))];
        Snapshot();
        var runner = new ScheduleRunner(planner, (job, ct) => queue.RunAsync(job.Kind, ct), setup.Clock) { StopGrace = setup.StopGrace };
        runner.JobStarted += job => log.LogInformation("scheduled {Job} started", job.Name);
        runner.JobEnded += outcome =>
        {
            Snapshot();
            if (outcome.Error is { } e) log.LogError("scheduled {Job} failed: {Message}", outcome.Job.Name, e.Message);
            else log.LogInformation("scheduled {Job} ended with exit code {Code}", outcome.Job.Name, outcome.ExitCode);
        };
        await runner.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
