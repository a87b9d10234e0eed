using Coffre.Archiver;
using Coffre.Application.Drill;
using Coffre.Journal;

namespace Coffre.Jobs.Service;

/// <summary>
/// The work of the application jobs, the same whichever host runs it — the CLI's verbs (<c>coffre backup -c FILE</c>,
/// <c>coffre drill</c>) and the service's <see cref="ApplicationJobRunner"/>: the use case, what the journal learns
/// from it (<see cref="RunDetails"/>), its warnings, and how it ends. The host only renders what it returns (the
/// CLI its summary, the service nothing); the journal, alerts and one-at-a-time rule are <see cref="JobRun"/> and
/// <see cref="JobGate"/>.
/// </summary>
public static class ApplicationJobs
{
    /// <summary>
    /// A backup of the application as one snapshot, its copies, then the configured rotation (unless
    /// <paramref name="skipRotation"/> says why not). A copy or rotation that fails is a warning: the backup is saved.
    /// </summary>
    /// <param name="warn">Told each warning on one line (<c>cannot read …</c>, <c>warning: copy to … failed …</c>).</param>
    /// <param name="phase">Told each step the backup itself does not announce (<c>rotating old backups</c>).</param>
    public static async Task<BackupJobResult> BackupAsync(BackupManager manager, RunDetails run, string? destination, string? skipRotation,
        BackupProgress progress, Action<string> warn, Action<string> phase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(warn);
        ArgumentNullException.ThrowIfNull(phase);
        var result = await manager.CreateBackupAsync(destination, progress, ct).ConfigureAwait(false);
        foreach (var e in result.Backup.Errors) warn($"cannot read {e.Path}: {e.Message}");
        run.Backup(result.Backup);
        run.CopiesDone(result.Copies);
        foreach (var c in result.Copies.Where(c => c.Failed))
            warn($"warning: copy to {c.Location} failed: {c.Error}; the backup is saved; run 'coffre copy' once it is reachable");
        RotationOutcome rotation;
        if (skipRotation is not null) rotation = RotationOutcome.Skip(skipRotation);
        else
        {
            phase("rotating old backups");
            rotation = await manager.RotateAfterBackupAsync(destination, result, ct).ConfigureAwait(false);
            if (rotation.Warning is { } warning) warn($"warning: {warning}");
        }
        return new BackupJobResult(result, rotation, result.Backup.Complete ? ExitCodes.Ok : ExitCodes.IncompleteSource);
    }

    /// <summary>A drill of <paramref name="request"/>'s backup; a drill that found a problem throws it (exit 1) once the journal knows what it checked.</summary>
    /// <param name="step">Told each step (<c>restoring database main into a scratch database</c>).</param>
    public static async Task<DrillResult> DrillAsync(BackupManager manager, RunDetails run, DrillRequest request, Action<string> step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(request);
        var result = await manager.DrillAsync(request, step, ct).ConfigureAwait(false);
        run.Drill(result, request);
        return result;
    }
}

/// <summary>An application backup as <see cref="ApplicationJobs.BackupAsync"/> ended: the backup, its rotation, and the exit code (0, or 3 when incomplete).</summary>
public sealed record BackupJobResult(ApplicationBackupResult Backup, RotationOutcome Rotation, int ExitCode);
