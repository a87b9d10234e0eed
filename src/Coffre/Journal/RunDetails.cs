using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Application.Drill;
using Coffre.Application.Restore;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Journal;

/// <summary>
/// What the journal will say about one run, gathered while it runs: the host begins it, the work adds what only it
/// knows (<see cref="ForApplication"/>, <see cref="Backup"/>, <see cref="Snapshot"/>, <see cref="Drill"/>,
/// <see cref="Problem"/>), and <see cref="ToRecord"/> makes the <see cref="RunRecord"/> when it ends (docs/logging.md).
/// The CLI and the service's job runner both journal through it, so a run reads the same from either.
/// </summary>
public sealed class RunDetails
{
    private RunDetails(string operation, DateTimeOffset start) => (Operation, Start) = (operation, start);

    /// <summary>A run of <paramref name="operation"/> (<c>backup</c>, <c>config check</c>...) starting now.</summary>
    public static RunDetails Begin(string operation, TimeProvider clock) => new(operation, Now(clock));

    /// <summary>A run nobody records (work done outside a journaled run).</summary>
    public static RunDetails Detached() => new("", DateTimeOffset.MinValue);

    public string Operation { get; }
    public DateTimeOffset Start { get; }
    public string? Application { get; private set; }

    /// <summary>The repository the run used, when the host does not know it otherwise (--dest, coffre.json).</summary>
    public string? Repository { get; set; }

    public string? SnapshotId { get; private set; }
    public long? BytesAdded { get; private set; }
    public long? BytesProcessed { get; private set; }
    public long? Files { get; private set; }

    /// <summary>What a verification run (drill, verify) checked, for the journal.</summary>
    public string? Checked { get; set; }

    /// <summary>How the backup's copies went (<see cref="Jobs.CopyOutcome"/>, one line), and whether one failed.</summary>
    public string? Copies { get; private set; }
    public bool? CopyFailed { get; private set; }

    /// <summary>The outcome of each of an application backup's copies (coffre.json <c>copies</c>).</summary>
    public void CopiesDone(IReadOnlyList<Jobs.CopyOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0) return;
        Copies = string.Join("; ", outcomes.Select(o => o.ToString()));
        CopyFailed = outcomes.Any(o => o.Failed);
    }

    /// <summary>Who cancelled the run (<see cref="Jobs.Service.JobTicket.Cancel"/>); a run that then ends with exit 130 is journaled <see cref="RunResults.Cancelled"/>.</summary>
    public string? CancelledBy { get; set; }

    /// <summary>Why a run that ended without an exception did not succeed (a check that found damage, an incomplete backup).</summary>
    public string? Problem { get; set; }

    /// <summary>The run works on the application of <paramref name="config"/>, in its repository or <paramref name="destination"/>.</summary>
    public void ForApplication(CoffreConfig config, string? destination = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Application = config.Application;
        Repository = Storage.RepositoryLocation.Canonical(destination ?? config.Repository.LocationInForce);
    }

    /// <summary>The snapshot the run wrote or read, and how much it moved.</summary>
    public void Snapshot(BlobId id, long? added = null, long? processed = null, long? files = null) =>
        (SnapshotId, BytesAdded, BytesProcessed, Files) = (id.ToString(), added, processed, files);

    /// <summary>The snapshot a backup (or import) wrote, its sizes, and which paths it could not read.</summary>
    public void Backup(BackupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Summary;
        Snapshot(result.SnapshotId, (long)s.DataAdded, (long)s.TotalBytesProcessed, (long)s.TotalFilesProcessed);
        if (!result.Complete)
            Problem = $"{result.Errors.Count} path(s) could not be read, first {result.Errors[0].Path}: {result.Errors[0].Message}";
    }

    /// <summary>The backup a drill tested, how much media it read back, and what it checked (a full drill's ends with <c>(full)</c>).</summary>
    public void Drill(DrillResult result, DrillRequest request)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        Snapshot(result.SnapshotId, processed: result.Media.Sum(m => m.BytesChecked), files: result.Media.Sum(m => m.FilesChecked));
        Checked = string.Join("; ", result.Databases.Select(d => $"database {d.Name}: {d.Tables} tables, {d.Rows} rows, {(d.Ok ? "ok" : "failed")}")
            .Concat(result.Media.Select(m => $"media {m.Name}: {m.FilesChecked} of {m.FilesInBackup} files, {(m.Ok ? "ok" : "failed")}")))
            + (request.Full ? " (full)" : $" (sample {request.SamplePercent:0.#}%)");
    }

    /// <summary>
    /// The backup a restore put back, how much media it wrote, and what its verification checked, with the safety
    /// snapshot that keeps what was there before (<c>database main: 2 tables, 1700 rows match; media uploads: 4
    /// files verified; safety snapshot 3e7d4c4a</c>).
    /// </summary>
    public void Restore(ApplicationRestoreResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Snapshot(result.Plan.Snapshot.Id, processed: result.Media.Sum(m => m.BytesRestored), files: result.Media.Sum(m => m.FilesRestored));
        Checked = string.Join("; ", result.Databases.Select(d => d.Note is null ? $"database {d.Name}: {d.TablesChecked} tables, {d.Rows} rows match" : $"database {d.Name}: {d.Note}")
            .Concat(result.Media.Select(m => $"media {m.Name}: {m.Check.Files} files verified"))
            .Concat(result.SafetySnapshot is { } safety ? [$"safety snapshot {safety.ToShortString()}"] : []));
    }

    /// <param name="repository">The repository the run used (made absolute), or null when none was known.</param>
    public RunRecord ToRecord(TimeProvider clock, string? repository, int exitCode, string? error) => new()
    {
        Operation = Operation,
        Start = Start,
        End = Now(clock),
        Application = Application,
        Repository = repository is null ? null : Path.GetFullPath(repository),
        SnapshotId = SnapshotId,
        BytesAdded = BytesAdded,
        BytesProcessed = BytesProcessed,
        Files = Files,
        Result = Cancelled(exitCode) ? RunResults.Cancelled : RunResults.FromExitCode(exitCode),
        Error = Cancelled(exitCode) ? CancelledError(error) : ErrorOf(exitCode, error),
        Checked = Checked is null ? null : LogLine.OneLine(Checked),
        Copies = Copies is null ? null : LogLine.OneLine(Copies),
        CopyFailed = CopyFailed,
        ExitCode = exitCode,
        Host = Posix.GetHostName(),
        Version = ProgramInfo.Version,
    };

    /// <summary>
    /// The record saying an alert about this run could not be delivered (docs/alerts.md): operation <c>alert</c>,
    /// result <c>failed</c>, the run's own exit code (the alert did not change it), and what failed.
    /// </summary>
    public RunRecord ToAlertFailureRecord(TimeProvider clock, string? repository, int exitCode, string error) =>
        ToRecord(clock, repository, exitCode, null) with
        {
            Operation = "alert",
            Result = RunResults.Failed,
            Error = LogLine.OneLine(error),
            SnapshotId = null, BytesAdded = null, BytesProcessed = null, Files = null, Checked = null, Copies = null, CopyFailed = null,
        };

    private bool Cancelled(int exitCode) => CancelledBy is not null && exitCode == ExitCodes.Interrupted;

    private string CancelledError(string? error) => LogLine.OneLine(error is null or FailureMessage.Interrupted
        ? $"cancelled by {CancelledBy}; nothing half-written was left in the repository"
        : $"cancelled by {CancelledBy}: {error}");

    private string? ErrorOf(int exitCode, string? error)
    {
        var text = error ?? (exitCode == ExitCodes.Ok ? null : Problem);
        return text is null ? null : LogLine.OneLine(text);
    }

    private static DateTimeOffset Now(TimeProvider clock)
    {
        var t = clock.GetLocalNow();
        return new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, t.Offset);
    }
}
