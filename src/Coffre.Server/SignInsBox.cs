using System.Globalization;
using System.Text;
using Coffre.Journal;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The sign-ins in their own box, out of the job feed: each successful sign-in (who, from where), and the failures
/// aggregated by who tried from where (<c>7 failed: user root from 203.0.113.9, 09:12 to 09:40</c>), newest first.
/// </summary>
internal static class SignInsBox
{
    /// <summary>How many sign-in records the box reads (the aggregation needs more than it shows).</summary>
    public const int Read = 500;

    private const int Shown = 10;

    public static string Render(IReadOnlyList<RunRecord> signIns)
    {
        if (signIns.Count == 0) return "";
        var rows = signIns.Where(r => !r.Failed).Select(r => (Last: r.End, First: r.Start, Count: 1, Ok: true, Who: r.Checked ?? "", Why: (string?)null))
            .Concat(signIns.Where(r => r.Failed).GroupBy(r => r.Checked ?? "", StringComparer.Ordinal)
                .Select(g => (Last: g.Max(r => r.End), First: g.Min(r => r.Start), Count: g.Count(), Ok: false, Who: g.Key, Why: (string?)g.Last().Error)))
            .OrderByDescending(r => r.Last).Take(Shown);
        var html = new StringBuilder("<h2>Sign-ins</h2><div class=\"scroll\"><table id=\"signins\"><tr><th>When</th><th>Result</th><th>Who</th></tr>");
        foreach (var r in rows)
        {
            var when = r.Count == 1 ? Times.When(r.Last) : $"{Times.When(r.First)} to {Times.When(r.Last)}";
            var result = r.Ok ? "<td class=\"ok\">ok</td>" : string.Create(CultureInfo.InvariantCulture, $"<td class=\"bad\">{r.Count} failed</td>");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{when}</td>{result}<td>{E(r.Who)}{(r.Why is { } why ? $"<br><small>{E(why)}</small>" : "")}</td></tr>");
        }
        return html.Append("</table></div>").ToString();
    }
}
