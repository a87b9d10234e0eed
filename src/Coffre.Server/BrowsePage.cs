using System.Globalization;
using System.Text;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Model;
using static Coffre.Server.Html;
using Coffre.Application;

namespace Coffre.Server;

/// <summary>
/// One folder of a backup: the backup's summary and its actions (download, restore, verify, full drill), a path with
/// links up, then its folders (links down, each downloadable as a .tar.gz) and files (download with their size, and
/// their SHA-256), in natural order (clip-2 before clip-10).
/// </summary>
internal static class BrowsePage
{
    /// <param name="restoreAllowed">server.allowRestore: the page links to the backup's restore.</param>
    /// <param name="history">The run journal: this backup's own run and the checks of it, for the summary.</param>
    /// <param name="copies">The section saying which copies hold the backup (<see cref="BackupCopiesSection"/>).</param>
    public static string Render(string application, SnapshotFolder folder, PageContext page, bool restoreAllowed = false, IReadOnlyList<RunRecord>? history = null, string copies = "")
    {
        var id = folder.Snapshot.Id.ToString();
        var stamp = BackupStamp.Format(folder.Snapshot.Snapshot.Time.ToDateTimeOffset());
        string Link(string path) => page.Url($"/backups/{id}?path={Uri.EscapeDataString(path)}");
        string Get(string what, string path) => page.Url($"/backups/{id}/{what}?path={Uri.EscapeDataString(path)}");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="{E(page.Url("/"))}">← Dashboard</a></p>
            <h1>Backup {E(stamp)} <small>{E(id[..8])}</small></h1>
            {Summary(folder.Snapshot, history ?? [], page)}
            <p><a class="button" href="{E(page.Url($"/backups/{id}/export"))}">Download as .tar.gz</a>{(restoreAllowed ? $" <a class=\"button\" href=\"{E(page.Url($"/backups/{id}/restore"))}\">Restore…</a>" : "")}</p>
            <p>{page.ActionButton($"/backups/{id}/verify", "Verify this backup")} {page.ActionButton($"/backups/{id}/drill", "Full drill of this backup")}<br>
            <small>Verify reads every file of the backup back and checks it (coffre verify); a full drill restores all of it into scratch places and compares (coffre drill --full). Both run as jobs, after any job running now.</small></p>
            """);
        html.Append(copies).Append("<h2>");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(Link("/"))}\">{E(application)}</a>");
        var walked = "";
        foreach (var segment in folder.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked += "/" + segment;
            html.Append(CultureInfo.InvariantCulture, $" / <a href=\"{E(Link(walked))}\">{E(segment)}</a>");
        }
        html.Append("</h2>");
        if (folder.Path != "/") html.Append(CultureInfo.InvariantCulture, $"<p><a class=\"tap\" href=\"{E(Get("folder", folder.Path))}\">Download this folder (.tar.gz)</a></p>");
        if (folder.Entries.Count == 0) html.Append("<p>This folder is empty.</p>");
        else
        {
            html.Append("<div class=\"scroll\"><table id=\"files\"><tr><th>Name</th><th>Size</th><th>Modified</th><th>Download</th></tr>");
            var parent = folder.Path == "/" ? "" : folder.Path;
            foreach (var node in folder.Entries.OrderBy(n => n.Type != NodeType.Dir).ThenBy(n => n.DisplayName, NaturalOrder.Instance))
            {
                var path = $"{parent}/{node.DisplayName}";
                var name = node.Type == NodeType.Dir
                    ? $"<a href=\"{E(Link(path))}\">{E(node.DisplayName)}/</a>"
                    : E(node.DisplayName) + (node.Type == NodeType.Symlink ? " (link)" : "");
                var size = node.Type == NodeType.File ? Bytes((long)node.Size) : "";
                var download = node.Type switch
                {
                    NodeType.File => $"<a class=\"tap\" href=\"{E(Get("file", path))}\" download>file</a> <a class=\"tap\" href=\"{E(Get("sha256", path))}\">SHA-256</a>",
                    NodeType.Dir => $"<a class=\"tap\" href=\"{E(Get("folder", path))}\" download>.tar.gz</a>",
                    _ => "",
                };
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{name}</td><td>{size}</td><td>{Times.Minute(node.ModTime.ToDateTimeOffset())}</td><td>{download}</td></tr>");
            }
            html.Append("</table></div>");
        }
        return Page($"{application}: backup {stamp}", html.ToString());
    }

    /// <summary>What the backup is (from its snapshot) and what the journal says of it: its own run, and the last verify or drill of it.</summary>
    private static string Summary(Repository.SnapshotEntry entry, IReadOnlyList<RunRecord> history, PageContext page)
    {
        var id = entry.Id.ToString();
        var s = entry.Snapshot;
        var html = new StringBuilder("<dl id=\"summary\">");
        html.Append(CultureInfo.InvariantCulture, $"<dt>Taken</dt><dd>{Times.When(s.Time.ToDateTimeOffset())}{(s.Hostname is { Length: > 0 } host ? $" on {E(host)}" : "")}</dd>");
        if (s.Summary is { } sum)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>Size</dt><dd>{Bytes((long)sum.TotalBytesProcessed)} in {sum.TotalFilesProcessed:N0} files</dd>");
            html.Append(CultureInfo.InvariantCulture, $"<dt>Data added</dt><dd>{Bytes((long)sum.DataAdded)} ({Bytes((long)sum.DataAddedPacked)} stored)</dd>");
        }
        var tags = s.Tags ?? [];
        html.Append(CultureInfo.InvariantCulture, $"<dt>Contents</dt><dd>{E(Contents(tags))}</dd>");
        var run = history.LastOrDefault(r => r.Operation == RunHistorySummary.BackupOperation && r.SnapshotId == id);
        var status = run is null ? "no run of it in the journal" : run.Result == RunResults.Ok ? "complete" : $"{run.Result}: {run.Error}";
        html.Append(CultureInfo.InvariantCulture, $"<dt>Status</dt><dd class=\"{(run is null || run.Result == RunResults.Ok ? "ok" : "bad")}\">{E(status)}{(tags.Contains(Coffre.Application.ApplicationLayout.PreRestoreTag) ? " (a safety snapshot, taken before a restore)" : "")}</dd>");
        foreach (var operation in new[] { BackupChecks.VerifyOperation, RunHistorySummary.DrillOperation })
            if (history.LastOrDefault(r => r.Operation == operation && r.SnapshotId == id) is { } check)
                html.Append(CultureInfo.InvariantCulture, $"<dt>Last {E(operation)}</dt><dd><a href=\"{E(page.Url(RunPage.Path(check)))}\">{Times.When(check.End)}</a>: <span class=\"{(check.Failed ? "bad" : "ok")}\">{E(check.Result)}</span> {E(check.Error ?? check.Checked)}</dd>");
        return html.Append("</dl>").ToString();
    }

    /// <summary>What the snapshot's tags say it holds (a partial backup lists its parts), the app tag left out.</summary>
    private static string Contents(IReadOnlyList<string> tags)
    {
        var parts = tags.Where(t => !t.StartsWith("app:", StringComparison.Ordinal)).ToList();
        return parts.Count == 0 ? "the databases and media folders of the configuration (browse below)" : string.Join(", ", parts);
    }
}
