using System.Globalization;
using System.Text;
using Coffre.Journal;
using Coffre.Maintenance.Copy;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>A backup's page: which of coffre.json's copies hold the backup, from the run history (<see cref="CopyPresence"/>).</summary>
internal static class BackupCopiesSection
{
    /// <returns>The section's HTML; empty when the configuration names no copies.</returns>
    public static string Render(ServerSetup setup, string snapshotId)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Config.Copies.Count == 0) return "";
        IReadOnlyList<RunRecord> history = setup.LogFolder is { } folder ? new RunHistoryReader(folder).Read() : [];
        var html = new StringBuilder("<h2>Copies</h2><ul class=\"copies\">");
        foreach (var p in CopyPresence.ForSnapshot(setup.Config, history, snapshotId))
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"{(p.Reached ? "ok" : "bad")}\">{E(p.Label)}: {E(p.Text)}</li>");
        return html.Append("</ul>").ToString();
    }
}
