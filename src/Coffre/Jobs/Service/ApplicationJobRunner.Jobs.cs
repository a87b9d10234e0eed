using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Application.Drill;
using Coffre.Journal;
using Coffre.Maintenance;
using Coffre.Maintenance.Prune;
using Coffre.Repository.Locking;
using Coffre.Scheduling;

namespace Coffre.Jobs.Service;

public sealed partial class ApplicationJobRunner
{
    private Task<int> WorkAsync(JobKind kind, RunDetails run, CancellationToken ct) => kind switch
    {
        JobKind.Backup => BackupAsync(run, ct),
        JobKind.Drill => DrillAsync(run, full: false, ct),
        JobKind.FullDrill => DrillAsync(run, full: true, ct),
        JobKind.Check => CheckAsync(run, ct),
        JobKind.Prune => PruneAsync(ct),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such job"),
    };

    private BackupManager Manager() => new(Config, clock, environment) { Step = Phase };

    /// <summary><c>coffre backup -c FILE</c>: the application as one snapshot, then the configured rotation.</summary>
    private async Task<int> BackupAsync(RunDetails run, CancellationToken ct)
    {
        run.ForApplication(Config);
        var counters = new BackupProgress { Notice = m => Say(m) };
        Progress.Counting(counters);
        var result = await ApplicationJobs.BackupAsync(Manager(), run, null, null, counters, Say, Phase, ct).ConfigureAwait(false);
        if (result.Rotation.Result is { } r) Say($"rotation ({r.Policy}): removed {r.Removed.Count} backup(s), kept {r.KeepCount}");
        return result.ExitCode;
    }

    /// <summary><c>coffre drill [--full] -c FILE</c>: the latest backup restored into scratch places and compared.</summary>
    private async Task<int> DrillAsync(RunDetails run, bool full, CancellationToken ct)
    {
        var request = new DrillRequest { Full = full, SamplePercent = Config.Drill.SamplePercent ?? DrillSection.DefaultSamplePercent };
        run.ForApplication(Config, request.Destination);
        var result = await ApplicationJobs.DrillAsync(Manager(), run, request, Phase, ct).ConfigureAwait(false);
        return result.Failure is { } failure ? throw new CoffreException(failure) : ExitCodes.Ok;
    }

    /// <summary><c>coffre check -c FILE</c>: the repository's structure (no data read); damage is exit 1.</summary>
    private async Task<int> CheckAsync(RunDetails run, CancellationToken ct)
    {
        var repo = await Manager().OpenRepositoryAsync(null, loadIndex: false, ct).ConfigureAwait(false);
        Phase("checking the repository");
        CheckReport report;
        await using (await RepositoryLock.AcquireAsync(repo, exclusive: false, clock, ct).ConfigureAwait(false))
            report = await new Checker(repo).CheckAsync(new CheckOptions(), ct).ConfigureAwait(false);
        run.Problem = report.Problem;
        run.Checked = report.Summary;
        return report.Ok ? ExitCodes.Ok : ExitCodes.Fatal;
    }

    /// <summary><c>coffre prune -c FILE</c>: frees the data no snapshot needs, with the default limits (5% unused tolerated).</summary>
    private async Task<int> PruneAsync(CancellationToken ct)
    {
        var repo = await Manager().OpenRepositoryAsync(null, loadIndex: false, ct).ConfigureAwait(false);
        await using var exclusive = await RepositoryLock.AcquireAsync(repo, exclusive: true, clock, ct).ConfigureAwait(false);
        Phase("planning the prune");
        var pruner = new Pruner(repo);
        var plan = await pruner.PlanAsync(new PruneOptions(), ct).ConfigureAwait(false);
        if (plan.HasWork) await pruner.ExecuteAsync(plan, step => { if (step.Total > 0) Phase(step.Describe()); }, ct).ConfigureAwait(false);
        Say(plan.HasWork ? $"{ByteSize.Format(plan.Stats.FreedBytes)} freed" : "nothing to free");
        return ExitCodes.Ok;
    }
}
