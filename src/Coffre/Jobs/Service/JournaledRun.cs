using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Jobs.Service;

/// <summary>
/// How every job of the service ends, whatever its work (<see cref="ApplicationJobRunner"/>, <see cref="ApplicationRestoreJob"/>):
/// a failure becomes the CLI's one-line error and exit code (<see cref="FailureMessage"/>), the run one journal
/// record (<see cref="RunDetails"/>), then the alerts it speaks for are raised or resolved (<see cref="RunAlerting"/>),
/// and an ending line is said. Never throws for the work's own failure.
/// </summary>
internal sealed class JournaledRun(CoffreConfig config, TimeProvider clock, IDictionary<string, string?>? environment, Action<string> say)
{
    /// <param name="work">The job itself: its exit code; it adds to <paramref name="run"/> what only it knows.</param>
    public async Task<(int ExitCode, RunRecord Record)> RunAsync(RunDetails run, Func<CancellationToken, Task<int>> work, CancellationToken ct)
    {
        int exitCode;
        string? error = null;
        Exception? failure = null;
        try { exitCode = await work(ct).ConfigureAwait(false); }
        catch (Exception e)
        {
            (error, exitCode) = FailureMessage.Describe(e, ct.IsCancellationRequested);
            failure = e;
        }
        var repository = run.Repository ?? Storage.RepositoryLocation.Canonical(config.Repository.LocationInForce);
        var record = run.ToRecord(clock, repository, exitCode, error);
        Journal(record);
        if (await RunAlerting.AfterRunAsync(config, run, repository, exitCode, error, failure, environment, clock, ct).ConfigureAwait(false) is { } trouble)
        {
            say($"warning: {trouble.Warning}");
            Journal(run.ToAlertFailureRecord(clock, repository, exitCode, trouble.JournalError));
        }
        say(record.Result + (record.SnapshotId is { } id ? $", snapshot {id[..8]}" : "") + $" (exit {exitCode})" + (record.Error is { } why ? $": {why}" : ""));
        return (exitCode, record);
    }

    /// <summary>Appends to the configuration's log folder; a journal that cannot be written is a warning, never a different result.</summary>
    private void Journal(RunRecord record)
    {
        if (LogPaths.Resolve(config.Logging.Path, record.Repository) is not { } folder) return;
        try { new RunJournal(folder, clock, level: config.Logging.Level).Append(record); }
        catch (Exception e)
        {
            say($"warning: this run could not be recorded in {folder}: {e.Message}");
        }
    }
}
