using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Jobs.Service;

/// <summary>
/// How every run ends, whatever its work and its host — each command of the CLI, each job of the service
/// (<see cref="ApplicationJobRunner"/>, <see cref="ApplicationRestoreJob"/>): a failure becomes the one-line error and
/// exit code of the CLI's contract (<see cref="FailureMessage"/>), a run cancelled by a person (<see cref="JobTicket.Cancel"/>)
/// says so, the run becomes one journal record (<see cref="RunDetails"/>, docs/logging.md), then the alerts it speaks
/// for are raised or resolved (<see cref="RunAlerting"/>, when a configuration is known). Never throws for the work's
/// own failure; the journal and the alerts never change how the run ended (their trouble is a warning).
/// </summary>
/// <param name="clock">Default: the system clock.</param>
public sealed class JobRun(TimeProvider? clock = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>The application's configuration: its logging section and alerts; null for a run without one (the journal then goes beside the repository).</summary>
    public CoffreConfig? Config { get; init; }

    /// <summary>
    /// Instead of <see cref="Config"/>: the configuration read once the work ended (null when there is none or it
    /// cannot be read: the work said why), for a host whose work may be what finds it broken (the CLI).
    /// </summary>
    public Func<CoffreConfig?>? ConfigAfterWork { get; init; }

    /// <summary>Where alert header and SMTP password variables are read; null: the process environment.</summary>
    public IDictionary<string, string?>? Environment { get; init; }

    /// <summary>Told, one line each, what went wrong with the journal or an alert (never a secret).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Told at once when the work failed, with the one-line error it ends with (the CLI prints it).</summary>
    public Action<Exception, string>? Failed { get; init; }

    /// <summary>Journaled only when it meets a wrong password (a failed password attempt): read-only listings.</summary>
    public bool RecordOnlyWrongPassword { get; init; }

    /// <param name="run">Begun by the host; the work adds to it what only it knows.</param>
    /// <param name="repository">The repository when the work does not say (<see cref="RunDetails.Repository"/>); null: the configuration's.</param>
    /// <param name="work">The run itself: its exit code.</param>
    public async Task<JobEnding> RunAsync(RunDetails run, string? repository, Func<CancellationToken, Task<int>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(work);
        int exitCode;
        string? error = null;
        Exception? failure = null;
        try { exitCode = await work(ct).ConfigureAwait(false); }
        catch (Exception e)
        {
            (error, exitCode) = FailureMessage.Describe(e, ct.IsCancellationRequested);
            failure = e;
            Failed?.Invoke(e, error);
        }
        if (exitCode == ExitCodes.Interrupted && JobGate.Current?.CancelledBy is { } who) run.CancelledBy = who;
        var config = Config ?? ConfigAfterWork?.Invoke();
        repository = run.Repository ?? repository ?? (config is null ? null : Storage.RepositoryLocation.Canonical(config.Repository.LocationInForce));
        var record = run.ToRecord(clock, repository, exitCode, error);
        var folder = LogPaths.Resolve(config?.Logging.Path, repository);
        if (!RecordOnlyWrongPassword || exitCode == ExitCodes.WrongPassword) Journal(folder, config, record, exitCode);
        if (config is not null
            && await RunAlerting.AfterRunAsync(config, run, repository, exitCode, error, failure, Environment, clock, ct).ConfigureAwait(false) is { } trouble)
        {
            Warn?.Invoke(trouble.Warning);
            Journal(folder, config, run.ToAlertFailureRecord(clock, repository, exitCode, trouble.JournalError), exitCode);
        }
        return new JobEnding(exitCode, record.Error, record);
    }

    /// <summary>Appends to the log folder; a journal that cannot be written is a warning, never a different result.</summary>
    private void Journal(string? folder, CoffreConfig? config, RunRecord record, int exitCode)
    {
        if (folder is null)
        {
            // A failed run has already said its error (often the very reason no log folder is known: no
            // repository, a broken coffre.json); a run that succeeded is told it is not journaled.
            if (exitCode == ExitCodes.Ok) Warn?.Invoke("this run is not recorded in a log: no repository and no logging.path are known");
            return;
        }
        try { new RunJournal(folder, clock, level: config?.Logging.Level).Append(record); }
        catch (Exception e)
        {
            Warn?.Invoke($"this run could not be recorded in {folder}: {e.Message}");
        }
    }
}

/// <summary>How a run ended: the exit code of the CLI's contract, its one-line error (null when ok), and the record the journal got.</summary>
public sealed record JobEnding(int ExitCode, string? Error, RunRecord Record);
