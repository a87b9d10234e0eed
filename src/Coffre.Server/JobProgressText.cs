using System.Globalization;
using Coffre.Jobs.Service;
using Coffre.Scheduling;

namespace Coffre.Server;

/// <summary>
/// The running job in one line and as JSON, for the dashboard's "Running" line and <c>/progress</c> (which the page
/// polls): <c>backup since 02:30:01: saving media uploads, 120 of 4,000 files, 1.2 GiB of 3.4 GiB (35 %): uploads/a.jpg</c>,
/// <c>restore since 10:12:40: restoring media uploads into /srv/shop/media</c>.
/// </summary>
internal static class JobProgressText
{
    public static string Line(JobQueue queue, LiveJob live)
    {
        var waiting = queue.Waiting > 0 ? $" ({queue.Waiting} more waiting)" : "";
        if (live.Progress?.Current is { } status) return Describe(status) + waiting;
        return queue.Running switch
        {
            { Phase: { } phase } job => Since(job.Name, job.Started, phase) + waiting, // a job run by name (a restore) says its step
            { } job => job.Name + waiting,
            null => "nothing",
        };
    }

    public static object Json(JobQueue queue, LiveJob live)
    {
        var status = live.Progress?.Current;
        var last = live.Progress?.Last;
        return new
        {
            running = status is null ? queue.Running?.Name : JobKinds.Operation(status.Kind),
            waiting = queue.Waiting,
            text = Line(queue, live),
            lastEnded = LastEnded(live),
            started = status?.Started ?? queue.Running?.Started,
            phase = status?.Phase ?? queue.Running?.Phase,
            backup = status?.Backup,
            last = last is null ? null : new { operation = JobKinds.Operation(last.Kind), exitCode = last.ExitCode, error = last.Error, end = last.Record.End, snapshot = last.Record.SnapshotId },
        };
    }

    /// <summary>When the last job ended, as a token the page compares to notice a job that began and ended between two polls.</summary>
    public static string LastEnded(LiveJob live) =>
        live.Progress?.Last?.Record.End.ToString("O", CultureInfo.InvariantCulture) ?? "";

    private static string Describe(JobStatus s)
    {
        var text = Since(JobKinds.Operation(s.Kind), s.Started, s.Phase);
        if (s.Backup is not { } b || b.FilesDone + b.TotalFiles == 0) return text;
        var files = b.ScanFinished ? $"{b.FilesDone:N0} of {b.TotalFiles:N0} files" : $"{b.FilesDone:N0} files";
        var bytes = b.ScanFinished && b.TotalBytes > 0
            ? $"{Html.Bytes(b.BytesDone)} of {Html.Bytes(b.TotalBytes)} ({Math.Min(100, 100.0 * b.BytesDone / b.TotalBytes):0} %)"
            : Html.Bytes(b.BytesDone);
        var current = string.IsNullOrEmpty(b.CurrentFile) ? "" : ": " + b.CurrentFile;
        return string.Create(CultureInfo.InvariantCulture, $"{text}, {files}, {bytes}{current}");
    }

    private static string Since(string job, DateTimeOffset started, string phase) =>
        $"{job} since {started.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}: {phase}";
}
