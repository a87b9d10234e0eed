using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Cli.Journal;

/// <summary>
/// What the journal will say about the command running now. <see cref="Commands.CommandRunner"/> starts it and
/// records it at the end (result, exit code, error, duration); a command adds what only it knows in one line:
/// <c>RunContext.Current.Snapshot(id, added, processed, files)</c>, <c>RunContext.Current.ForApplication(config, dest)</c>.
/// </summary>
internal sealed class RunContext
{
    private static readonly AsyncLocal<RunContext?> current = new();

    private RunContext(string operation, DateTimeOffset start) => (Operation, Start) = (operation, start);

    /// <summary>The run in progress (a detached one outside <see cref="Commands.CommandRunner"/>, which nobody records).</summary>
    public static RunContext Current => current.Value ??= new RunContext("", DateTimeOffset.MinValue);

    public string Operation { get; }
    public DateTimeOffset Start { get; }
    public string? Application { get; private set; }

    /// <summary>The repository the run used, when it is not the one the global options name (--dest, coffre.json).</summary>
    public string? Repository { get; set; }

    public string? SnapshotId { get; private set; }
    public long? BytesAdded { get; private set; }
    public long? BytesProcessed { get; private set; }
    public long? Files { get; private set; }

    /// <summary>What a verification run (drill, verify) checked, for the journal.</summary>
    public string? Checked { get; set; }

    /// <summary>Why a run that ended without an exception did not succeed (a check that found damage, an incomplete backup).</summary>
    public string? Problem { get; set; }

    public static RunContext Begin(string operation, TimeProvider clock) => current.Value = new RunContext(operation, Now(clock));

    /// <summary>The run works on the application of <paramref name="config"/>, in its repository or <paramref name="destination"/>.</summary>
    public void ForApplication(CoffreConfig config, string? destination = null)
    {
        Application = config.Application;
        Repository = Path.GetFullPath(destination ?? config.Repository.Path ?? RepositorySection.DefaultPath);
    }

    /// <summary>The snapshot the run wrote or read, and how much it moved.</summary>
    public void Snapshot(BlobId id, long? added = null, long? processed = null, long? files = null) =>
        (SnapshotId, BytesAdded, BytesProcessed, Files) = (id.ToString(), added, processed, files);

    /// <summary>The snapshot a backup (or import) wrote, its sizes, and which paths it could not read.</summary>
    public void Backup(BackupResult result)
    {
        var s = result.Summary;
        Snapshot(result.SnapshotId, (long)s.DataAdded, (long)s.TotalBytesProcessed, (long)s.TotalFilesProcessed);
        if (!result.Complete)
            Problem = $"{result.Errors.Count} path(s) could not be read, first {result.Errors[0].Path}: {result.Errors[0].Message}";
    }

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
        Result = RunResults.FromExitCode(exitCode),
        Error = ErrorOf(exitCode, error),
        Checked = Checked is null ? null : LogLine.OneLine(Checked),
        ExitCode = exitCode,
        Host = Posix.GetHostName(),
        Version = ProgramInfo.Version,
    };

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
