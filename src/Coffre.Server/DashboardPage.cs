using System.Globalization;
using System.Text;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Scheduling;
using static Coffre.Server.Html;

namespace Coffre.Server;

internal static class DashboardPage
{
    public const int LogTail = 20;
    private const int DrillsShown = 5;

    public static string Render(ServerSetup setup, DashboardData data, IReadOnlyList<(ScheduledJob Job, DateTimeOffset? Due)> plan,
        (string Line, string LastEnded, string CancelForms) running, PageContext page, Coffre.Health.HealthReport health, string banner, int backupsPage = 1)
    {
        var app = setup.Config.Application ?? "";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <h1>Coffre — {E(app)}</h1>
            {DashboardProblems.Render(health, page.Url(DoctorPage.Path))}
            <p>Logged in as {E(page.User)}. {page.ActionButton("/logout", "Log out")}</p>
            {banner}
            {RestoreRollback.Box(data.History, page)}
            <h2>Status</h2><dl>
            <dt>Last success</dt><dd>{LastSuccess(data, page)}</dd>
            <dt>Success rate</dt><dd>{(data.SuccessRate is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.#} % of {data.BackupRuns.Count(r => !RunResults.Stopped(r.Result))} backups") : "no backup recorded")}</dd>
            <dt>Last check</dt><dd>{Last(data.History.LastOrDefault(r => r.Operation == "check" && r.Result != RunResults.Interrupted), page)}</dd>
            <dt>Last drill</dt><dd>{Last(data.LastDrill, page)}</dd>
            <dt>Repository</dt><dd>{E(setup.RepositoryPath)}: {Bytes(data.RepositorySize)}, {Bytes(data.FreeDisk)} free on its disk</dd>
            <dt>Running</dt><dd id="running" aria-live="polite" data-running="{(running.Line == "nothing" ? "no" : "yes")}" data-last="{E(running.LastEnded)}">{E(running.Line)}</dd>
            {running.CancelForms}
            </dl>
            <p>{page.ActionButton("/actions/backup", "Back up now")}
            {page.ActionButton("/actions/drill", "Run a drill now")}
            {page.ActionButton("/actions/check", "Check the repository now")}</p>
            <h2>Next scheduled runs</h2>
            """);
        if (plan.Count == 0) html.Append("<p>Nothing is scheduled (schedule.backup in coffre.json).</p>");
        else
        {
            html.Append("<ul>");
            foreach (var (job, due) in plan.OrderBy(p => p.Due ?? DateTimeOffset.MaxValue))
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(job.Name)}: {(due is { } d ? When(d) : "never")}</li>");
            html.Append("</ul>");
        }

        var drills = data.History.Where(r => r.Operation == RunHistorySummary.DrillOperation).TakeLast(DrillsShown).Reverse().ToList();
        if (drills.Count > 0)
        {
            html.Append("<h2>Restore drills</h2><div class=\"scroll\"><table id=\"drills\"><tr><th>When</th><th>Result</th><th>What was checked</th></tr>");
            foreach (var r in drills)
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{E(page.Url(RunPage.Path(r)))}\">{When(r.End)}</a></td><td class=\"{(r.Result == RunResults.Ok ? "ok" : "bad")}\">{E(r.Result)}</td><td>{E(r.Error ?? r.Checked)}</td></tr>");
            html.Append("</table></div>");
        }

        html.Append("<h2>Backups</h2>");
        html.Append(BackupList.Render(data, backupsPage, page));
        html.Append(RepositoryChart.Render(data.Backups, data.History));
        html.Append(RunFeed.Render(data.History, LogTail, page));
        html.Append(SignInsBox.Render(data.SignIns));
        html.Append(LiveScript(page.Url("/progress")));
        return Page($"{app}: backups", html.ToString());
    }

    /// <summary>
    /// The last successful backup at the moment its name (the stamp) is taken from, the snapshot's time, so the two
    /// never disagree; the run's end when the backup is no longer listed.
    /// </summary>
    private static string LastSuccess(DashboardData data, PageContext page)
    {
        if (data.LastSuccess is not { } run) return "never";
        var backup = run.SnapshotId is { } id ? data.Backups.FirstOrDefault(b => b.Id.ToString() == id) : null;
        if (backup is null) return $"{When(run.End)} (ended)";
        return $"{When(backup.Time)}: backup <a href=\"{E(page.Url($"/backups/{backup.Id}"))}\">{E(backup.Stamp)}</a>";
    }

    /// <summary>
    /// Live progress without a build step: polls /progress (every second while a job runs, every 3 s otherwise),
    /// updates the Running line, and reloads the page when a job ends (even one that began and ended between two
    /// polls: the last job's end time changed) so its result and the new backup show.
    /// Without JavaScript the page still works; it just does not move by itself.
    /// </summary>
    private static string LiveScript(string progressUrl) => $"<script>{LiveScriptCode(progressUrl)}</script>";

    /// <summary>The live script's code: the dashboard's Content-Security-Policy allows this script only, by its hash (<see cref="DashboardGuard.PolicyAllowing"/>).</summary>
    internal static string LiveScriptCode(string progressUrl) => $$"""
        (() => {
          const line = document.getElementById('running');
          let busy = line.dataset.running === 'yes';
          const kept = sessionStorage.getItem('coffre-scroll');
          if (kept !== null) { sessionStorage.removeItem('coffre-scroll'); window.scrollTo(0, Number(kept)); }
          function reload() {
            sessionStorage.setItem('coffre-scroll', String(window.scrollY));
            location.replace(location.href);
          }
          async function poll() {
            try {
              const r = await fetch({{System.Text.Json.JsonSerializer.Serialize(progressUrl)}}, { headers: { Accept: 'application/json' }, cache: 'no-store', redirect: 'manual' });
              if (r.type === 'opaqueredirect' || r.status === 401 || r.status === 403) {
                line.textContent = 'Logged out: reload the page to log in again.';
                line.dataset.running = 'stopped';
                return;
              }
              if (r.ok) {
                const p = await r.json();
                line.textContent = p.text;
                if ((busy && !p.running) || p.lastEnded !== line.dataset.last) { reload(); return; }
                busy = !!p.running;
              }
            } catch (e) { /* the service restarts: try again */ }
            setTimeout(poll, busy ? 1000 : 3000);
          }
          setTimeout(poll, busy ? 1000 : 3000);
        })();
        """;

    private static string When(DateTimeOffset? t) => Times.When(t);

    private static string Last(RunRecord? r, PageContext page) => r is null ? "never"
        : $"<span class=\"{(r.Result == RunResults.Ok ? "ok" : "bad")}\">{E(r.Result)}</span> on <a href=\"{E(page.Url(RunPage.Path(r)))}\">{When(r.End)}</a>: {E(r.Error ?? r.Checked)}";
}
