using System.Globalization;
using System.Text;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The application's backups, newest first, <see cref="PageSize"/> a page (<c>?page=2</c>; an hourly schedule kept 30
/// days is 720 backups), with a heading per day. The status column comes right after the backup, so a phone shows it
/// without scrolling sideways; "data added" is what the backup stored that the repository did not hold (from its run
/// in the journal).
/// </summary>
internal static class BackupList
{
    public const int PageSize = 50;

    public static string Render(DashboardData data, int pageNumber, PageContext page)
    {
        if (data.BackupsProblem is { } problem) return $"<p class=\"bad\">The backups cannot be listed: {E(problem)}</p>";
        if (data.Backups.Count == 0) return "<p>No backup yet.</p>";
        var pages = (data.Backups.Count + PageSize - 1) / PageSize;
        var current = Math.Clamp(pageNumber, 1, pages);
        var added = DataAdded(data.History);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{data.Backups.Count} backups{(pages > 1 ? $", page {current} of {pages}" : "")}.</p>");
        html.Append("<div class=\"scroll\"><table id=\"backups\"><tr><th>Backup</th><th>Status</th><th>Size</th><th>Data added</th><th>Duration</th><th>Contents</th></tr>");
        string? day = null;
        foreach (var b in data.Backups.Skip((current - 1) * PageSize).Take(PageSize))
        {
            var id = b.Id.ToString();
            var thisDay = b.Time.ToLocalTime().ToString("dddd yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (thisDay != day) html.Append(CultureInfo.InvariantCulture, $"<tr class=\"day\"><th colspan=\"6\">{E(thisDay)}</th></tr>");
            day = thisDay;
            var mark = data.BackupMarks.TryGetValue(id, out var m) ? $"<br><small class=\"bad\">{E(m)}</small>" : "";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{E(page.Url($"/backups/{id}"))}\">{E(b.Stamp)}</a><br><small>{E(id[..8])}</small> <a class=\"tap\" href=\"{E(page.Url($"/backups/{id}/export"))}\">download</a></td><td>{Status(b)}{mark}</td><td>{Bytes((long)b.Size)}</td><td>{(added.TryGetValue(id, out var a) ? Bytes(a) : "")}</td><td>{Duration(b)}</td><td>{Contents(b)}</td></tr>");
        }
        html.Append("</table></div>");
        if (pages > 1) html.Append(Pager(current, pages, page));
        return html.ToString();
    }

    /// <summary>What each backup added to the repository, by full snapshot ID, from the backup runs of the journal.</summary>
    internal static Dictionary<string, long> DataAdded(IEnumerable<RunRecord> history)
    {
        var added = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in history)
            if (r.Operation == RunHistorySummary.BackupOperation && r.SnapshotId is { } id && r.BytesAdded is { } bytes) added[id] = bytes;
        return added;
    }

    private static string Pager(int current, int pages, PageContext page)
    {
        string Link(int n, string label) => $"<a class=\"tap\" href=\"{E(page.Url(n == 1 ? "/" : string.Create(CultureInfo.InvariantCulture, $"/?page={n}")))}\">{label}</a>"; // the labels are constants
        var parts = new List<string>();
        if (current > 1) parts.Add(Link(current - 1, "← newer"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"page {current} of {pages}"));
        if (current < pages) parts.Add(Link(current + 1, "older →"));
        return $"<nav class=\"pager\" aria-label=\"backup pages\"><p>{string.Join(" · ", parts)}</p></nav>";
    }

    private static string Duration(BackupInfo b) => b.Metadata is { DurationSeconds: var d and > 0 }
        ? E(TimeSpan.FromSeconds(Math.Round(d)).ToString(d >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture))
        : "";

    internal static string Contents(BackupInfo b)
    {
        if (b.Metadata is not { } m) return "no metadata.json";
        var parts = m.Databases.Select(d => $"database {d.Name} ({d.Engine}, {Bytes(d.Size)})")
            .Concat(m.Media.Select(x => $"{MediaLabel(x.Name)} ({x.Files} files, {Bytes(x.Bytes)})"));
        return string.Join("<br>", parts.Select(E));
    }

    /// <summary>"media uploads", but plain "media" for a media folder named media (its default name), not "media media".</summary>
    internal static string MediaLabel(string name) => name == "media" ? "media" : "media " + name;

    internal static string Status(BackupInfo b)
    {
        var status = b.Metadata?.Status ?? "unknown";
        var purpose = b.IsSafetySnapshot ? " (before a restore)" : "";
        return $"<span class=\"{(status == "complete" ? "ok" : "bad")}\">{E(status)}</span>{E(purpose)}";
    }
}
