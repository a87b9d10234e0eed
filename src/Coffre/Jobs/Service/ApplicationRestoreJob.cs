using Coffre.Configuration;
using Coffre.Application.Restore;
using Coffre.Journal;

namespace Coffre.Jobs.Service;

/// <summary>
/// <c>coffre restore SNAPSHOT -c FILE --force [--only database|media]</c> without the command, for the service's
/// dashboard: plans the restore again (from what is on disk when it starts), carries it out with the engine's
/// <see cref="ApplicationRestorer"/> — preRestore hook, safety snapshot of what is overwritten, databases, media,
/// verification, postRestore hook — and ends like the command: the same exit code and one-line error (after the
/// safety snapshot, a failure names it and how to roll back), one journal record (operation <c>restore</c>, the
/// backup, what was verified and the safety snapshot: <see cref="RunDetails.Restore"/>), the same alerts. Asking
/// first is the host's business: run it once the person has confirmed.
/// </summary>
public sealed class ApplicationRestoreJob
{
    /// <summary>The restore's operation in the journal, as <c>coffre restore</c> records it.</summary>
    public const string Operation = "restore";

    private readonly CoffreConfig config;
    private readonly TimeProvider clock;
    private readonly IDictionary<string, string?>? environment;

    /// <param name="environment">Where password (and alert header) variables are read; null: the process environment.</param>
    public ApplicationRestoreJob(CoffreConfig config, TimeProvider? clock = null, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        this.clock = clock ?? TimeProvider.System;
        this.environment = environment;
    }

    /// <summary>A line for each step, warning and the ending, prefixed <c>restore: </c>; null: silent. Never holds a secret.</summary>
    public Action<string>? Output { get; init; }

    /// <summary>Runs the restore to its end and journals it; never throws for its own failures (they are in the result).</summary>
    /// <param name="step">Told each step as it begins (<c>taking a safety snapshot of what will be overwritten</c>, <c>restoring media uploads into /srv/shop/media</c>...).</param>
    /// <param name="ct">
    /// Cancelling interrupts the restore (exit 130) until it begins to overwrite: then it has passed its point of no
    /// return (<see cref="JobTicket.PointOfNoReturn"/>), a person's <see cref="JobTicket.Cancel"/> is refused and the
    /// restore runs to its end, verified (a half-restored application would be worse than either state, and its way
    /// back is the safety snapshot, taken by then). A stop of the process still interrupts it: the error names the safety snapshot.
    /// </param>
    public async Task<RestoreJobResult> RunAsync(RestoreRequest request, Action<string>? step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var ticket = new JobTicket(Operation, clock) { Waiting = Say };
        return await JobGate.For(config).RunAsync(ticket, c => RunTurnAsync(request, step, c), ct).ConfigureAwait(false);
    }

    /// <summary>Said by the step that begins to overwrite; the restore cannot be cancelled from then on.</summary>
    public const string NoReturn = "the restore is overwriting the application's data: it cannot be cancelled now (a half-restored application would be worse); once it ends, its safety snapshot rolls it back";

    private async Task<RestoreJobResult> RunTurnAsync(RestoreRequest request, Action<string>? step, CancellationToken ct)
    {
        var run = RunDetails.Begin(Operation, clock);
        run.ForApplication(config, request.Destination);
        var ticket = JobGate.Current;
        void Phase(string phase)
        {
            // ApplicationRestorer's steps: "restoring database|media X into Y" come after the safety snapshot, and overwrite.
            if (phase.StartsWith("restoring ", StringComparison.Ordinal) && ticket is not null && !ticket.PointOfNoReturn(NoReturn))
                ct.ThrowIfCancellationRequested(); // cancelled just before: nothing was overwritten yet
            step?.Invoke(phase);
            Say(phase);
        }
        ApplicationRestoreResult? restored = null;
        var ending = await new JobRun(clock) { Config = config, Environment = environment, Warn = w => Say($"warning: {w}") }.RunAsync(run, null, async c =>
        {
            Phase("planning the restore");
            var manager = new BackupManager(config, clock, environment) { Step = Phase };
            var (repo, plan) = await manager.PlanRestoreAsync(request, c).ConfigureAwait(false);
            run.Snapshot(plan.Snapshot.Id);
            foreach (var line in RestorePlanText.Parts(plan)) Say(line);
            foreach (var w in plan.Warnings) Say($"warning: {w}");
            restored = await manager.RestoreBackupAsync(repo, plan, request, Phase, c).ConfigureAwait(false);
            foreach (var w in restored.Warnings.Skip(plan.Warnings.Count)) Say($"warning: {w}");
            run.Restore(restored);
            return ExitCodes.Ok;
        }, ct).ConfigureAwait(false);
        var record = ending.Record;
        Say(record.Result + (record.SnapshotId is { } id ? $", snapshot {id[..8]}" : "") + $" (exit {ending.ExitCode})" + (record.Error is { } why ? $": {why}" : ""));
        return new RestoreJobResult(ending.ExitCode, record.Error, record, restored);
    }

    private void Say(string line) => Output?.Invoke($"{Operation}: {LogLine.OneLine(line)}");
}

/// <summary>How a restore job ended: the exit code and one-line error of <c>coffre restore</c>, its journal record, and what it restored and verified (null when it failed).</summary>
public sealed record RestoreJobResult(int ExitCode, string? Error, RunRecord Record, ApplicationRestoreResult? Restore)
{
    public bool Ok => ExitCode == ExitCodes.Ok;
}
