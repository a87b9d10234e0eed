using System.Globalization;
using System.Text;
using Coffre.Jobs;
using Coffre.Model;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>One folder of a backup: a path with links up, then its folders (links down) and files with size and time.</summary>
internal static class BrowsePage
{
    /// <param name="restoreAllowed">server.allowRestore: the page links to the backup's restore.</param>
    public static string Render(string application, SnapshotFolder folder, PageContext page, bool restoreAllowed = false)
    {
        var id = folder.Snapshot.Id.ToString();
        var stamp = BackupStamp.Format(folder.Snapshot.Snapshot.Time.ToDateTimeOffset());
        string Link(string path) => page.Url($"/backups/{id}?path={Uri.EscapeDataString(path)}");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="{E(page.Url("/"))}">← Dashboard</a></p>
            <h1>Backup {E(stamp)} <small>{E(id[..8])}</small></h1>
            <p><a href="{E(page.Url($"/backups/{id}/export"))}">Download as .tar.gz</a>{(restoreAllowed ? $" · <a href=\"{E(page.Url($"/backups/{id}/restore"))}\">Restore…</a>" : "")}</p>
            <p>{page.ActionButton($"/backups/{id}/verify", "Verify this backup")} {page.ActionButton($"/backups/{id}/drill", "Full drill of this backup")}<br>
            <small>Verify reads every file of the backup back and checks it (coffre verify); a full drill restores all of it into scratch places and compares (coffre drill --full). Both run as jobs, after any job running now.</small></p>
            <h2>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(Link("/"))}\">{E(application)}</a>");
        var walked = "";
        foreach (var segment in folder.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked += "/" + segment;
            html.Append(CultureInfo.InvariantCulture, $" / <a href=\"{E(Link(walked))}\">{E(segment)}</a>");
        }
        html.Append("</h2>");
        if (folder.Entries.Count == 0) html.Append("<p>This folder is empty.</p>");
        else
        {
            html.Append("<div class=\"scroll\"><table><tr><th>Name</th><th>Size</th><th>Modified</th></tr>");
            var parent = folder.Path == "/" ? "" : folder.Path;
            foreach (var node in folder.Entries)
            {
                var name = node.Type == NodeType.Dir
                    ? $"<a href=\"{E(Link($"{parent}/{node.DisplayName}"))}\">{E(node.DisplayName)}/</a>"
                    : E(node.DisplayName) + (node.Type == NodeType.Symlink ? " (link)" : "");
                var size = node.Type == NodeType.File ? Bytes((long)node.Size) : "";
                var modified = node.ModTime.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{name}</td><td>{size}</td><td>{E(modified)}</td></tr>");
            }
            html.Append("</table></div>");
        }
        return Page($"{application}: backup {stamp}", html.ToString());
    }
}
