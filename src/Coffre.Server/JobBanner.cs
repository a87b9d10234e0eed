using System.Globalization;
using Coffre.Journal;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The banner after a button started a job: the page is <c>?started=OPERATION&amp;at=UNIX-MS</c> (when the button was
/// pressed). While the job's journal record is not there, the banner says it is under way; once it is, the banner is
/// the job's result (ok with what it checked, or the error, a failed restore with its rollback). So a reload (F5, or
/// the page's own when the job ends) never shows a stale "was started".
/// </summary>
internal static class JobBanner
{
    private static readonly string[] Operations = ["backup", "drill", "check", "restore", "verify", "prune"];

    /// <summary>The dashboard's address right after <paramref name="operation"/> was started at <paramref name="at"/>.</summary>
    public static string StartedQuery(string operation, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"/?started={Uri.EscapeDataString(operation)}&at={at.ToUnixTimeMilliseconds()}");

    /// <summary>The banner's HTML, or "" when the query names no job (or an old address without its time).</summary>
    /// <param name="queued">The job is still waiting in the queue (it has not started).</param>
    public static string Render(string? started, string? at, IReadOnlyList<RunRecord> history, PageContext page, bool queued = false)
    {
        if (started is null || !Operations.Contains(started)) return "";
        if (!long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return "";
        var since = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        var run = history.FirstOrDefault(r => r.Operation == started && r.Start >= since);
        if (run is null && queued)
            return $"<p id=\"banner\" class=\"note\">The {E(started)} is queued: it starts when the job before it ends. Cancel it under Running.</p>";
        if (run is null)
            return $"<p id=\"banner\" class=\"note\">The {E(started)} is under way (after any job running now): its progress shows under Running, and the page reloads when it ends.</p>";
        var link = $"<a href=\"{E(page.Url(RunPage.Path(run)))}\">its log</a>";
        if (!run.Failed)
        {
            var what = run.Checked ?? (run.SnapshotId is { } s ? $"backup {s[..Math.Min(8, s.Length)]}" : null);
            return $"<p id=\"banner\" class=\"note ok\">The {E(started)} of {Times.When(run.Start)} ended ok{(what is null ? "" : ": " + E(what))} ({link}).</p>";
        }
        var rollback = RestoreRollback.SafetySnapshot(run) is { } safety ? " " + RestoreRollback.Button(safety, page) : "";
        return $"<p id=\"banner\" class=\"note bad\">The {E(started)} of {Times.When(run.Start)} {E(run.Result)}: {E(run.Error ?? run.Result)} ({link}).{rollback}</p>";
    }
}
