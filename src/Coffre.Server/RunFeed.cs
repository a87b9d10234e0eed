using System.Globalization;
using System.Text;
using Coffre.Journal;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>The last runs of the journal (sign-ins have their own box): the failed ones first, then by start time, newest first; each links to its run page.</summary>
internal static class RunFeed
{
    public static string Render(IReadOnlyList<RunRecord> history, int count, PageContext page)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Last {count} runs</h2><div class=\"scroll\"><table id=\"runs\"><tr><th>Start</th><th>Operation</th><th>Result</th><th>Details</th></tr>");
        foreach (var r in Ordered(history, count))
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{E(page.Url(RunPage.Path(r)))}\">{Times.When(r.Start)}</a></td><td>{E(r.Operation)}</td><td class=\"{(r.Result == RunResults.Ok ? "ok" : "bad")}\">{E(r.Result)}</td><td>{E(r.Error ?? r.Checked ?? r.SnapshotId?[..Math.Min(8, r.SnapshotId.Length)])}</td></tr>");
        return html.Append("</table></div>").ToString();
    }

    /// <summary>The last <paramref name="count"/> runs by start time, failures first.</summary>
    internal static IEnumerable<RunRecord> Ordered(IReadOnlyList<RunRecord> history, int count) =>
        history.OrderByDescending(r => r.Start).Take(count).OrderBy(r => r.Failed ? 0 : 1).ThenByDescending(r => r.Start);
}
