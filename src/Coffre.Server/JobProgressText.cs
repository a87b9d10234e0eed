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
        var queued = Queued(queue);
        if (live.Progress?.Current is { } status) return Describe(status) + queued;
        return queue.Running switch
        {
            { Phase: { } phase } job => Since(job.Name, job.Started, phase) + queued, // a job run by name (a restore) says its step
            { } job => job.Name + queued,
            // Queued with none running here: waiting for a job of another process (the CLI, cron).
            null when queue.Jobs.Count > 0 => "nothing in this service" + queued,
            null => "nothing",
        };
    }

    /// <summary><c>; queued: drill since 10:12:30, check since 10:13:02</c>, or nothing.</summary>
    private static string Queued(JobQueue queue)
    {
        var queued = queue.Jobs.Where(j => j.State == Jobs.Service.JobState.Queued).ToList();
        return queued.Count == 0 ? "" : "; queued: " + string.Join(", ", queued.Select(j => $"{j.Name} since {Time(j.Queued)}"));
    }

    public static object Json(JobQueue queue, LiveJob live)
    {
        var status = live.Progress?.Current;
        var last = live.Progress?.Last;
        var jobs = queue.Jobs;
        return new
        {
            // A queued job counts: the page reloads when the line empties, not while a job waits for its turn.
            running = status is null ? queue.Running?.Name ?? jobs.FirstOrDefault()?.Name : JobKinds.Operation(status.Kind),
            waiting = queue.Waiting,
            text = Line(queue, live),
            lastEnded = LastEnded(live),
            started = status?.Started ?? queue.Running?.Started,
            phase = status?.Phase ?? queue.Running?.Phase,
            backup = status?.Backup,
            jobs = jobs.Select(j => new { id = j.Id, name = j.Name, state = State(j), queued = j.Queued, started = j.Started }),
            last = last is null ? null : new { operation = JobKinds.Operation(last.Kind), exitCode = last.ExitCode, error = last.Error, end = last.Record.End, snapshot = last.Record.SnapshotId },
        };
    }

    /// <summary><c>queued</c> until its turn comes, then <c>running</c>.</summary>
    public static string State(QueuedJob job) => job.State == Jobs.Service.JobState.Queued ? "queued" : "running";

    /// <summary>Where the dashboard goes once a job was asked for: <c>/?started=backup</c>, or <c>/?queued=backup</c> when it waits for its turn (or was already there).</summary>
    public static string AfterStart(JobQueue queue, QueuedJob job, bool added, DateTimeOffset at) =>
        added && job.State == Jobs.Service.JobState.Running || added && queue.Jobs.Count == 1 ? JobBanner.StartedQuery(job.Name, at)
        : added ? JobBanner.StartedQuery(job.Name, at).Replace("/?started=", "/?queued=", StringComparison.Ordinal) : $"/?already={job.Name}";

    /// <summary>The banner after a job was queued, found already asked for, or cancelled; null for anything else.</summary>
    public static string? Notice(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        static string? Job(string? name) => name is "backup" or "drill" or "check" or "prune" or "restore" ? name : null;
        if (Job(query["queued"].ToString()) is { } queued) return $"The {queued} is queued: it starts when the job before it ends. Cancel it under Running.";
        if (Job(query["already"].ToString()) is { } already) return $"A {already} is already queued or running: no second one was queued.";
        if (Job(query["cancelled"].ToString()) is { } cancelled) return $"The {cancelled} was cancelled.";
        return null;
    }

    /// <summary>A Cancel button per job queued or running (a form with the antiforgery token), in a <c>dd</c>; empty when none.</summary>
    public static string CancelForms(JobQueue queue, Microsoft.AspNetCore.Antiforgery.AntiforgeryTokenSet tokens, string jobsUrl)
    {
        var jobs = queue.Jobs;
        if (jobs.Count == 0) return "";
        var forms = jobs.Select(j =>
            $"""<form class="inline" method="post" action="{Html.E($"{jobsUrl}/{j.Id}/cancel")}"><input type="hidden" name="{Html.E(tokens.FormFieldName)}" value="{Html.E(tokens.RequestToken!)}"><button>Cancel the {State(j)} {Html.E(j.Name)}</button></form>""");
        return $"<dd class=\"jobs\">{string.Join(" ", forms)}</dd>";
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
        $"{job} since {Time(started)}: {phase}";

    private static string Time(DateTimeOffset t) => t.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
