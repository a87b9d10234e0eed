using Coffre.Health;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The top of the dashboard: one verdict line (all good / needs attention / failing) and the Problems, one line each
/// with what fixes it. The findings are the engine's (<see cref="HealthInspector"/> through <see cref="HealthMonitor"/>),
/// the same as /health and <c>coffre doctor</c>: there is no second list of rules here.
/// </summary>
internal static class DashboardProblems
{
    /// <param name="doctorUrl">The doctor page (<see cref="DoctorPage"/>) the verdict links to; null: no link.</param>
    public static string Render(HealthReport report, string? doctorUrl = null)
    {
        var verdict = Verdict(report, doctorUrl);
        if (report.Findings.Count == 0) return verdict;
        var items = report.Findings.Select(f =>
            $"<li class=\"{(f.Severity == HealthSeverity.Failing ? "bad" : "attention")}\" data-code=\"{E(f.Code)}\">{E(f.Text)}<br><small>fix: {E(f.Fix)}</small></li>");
        return $"{verdict}<section class=\"problems\"><h2>Problems</h2><ul>{string.Concat(items)}</ul></section>";
    }

    /// <summary>The verdict line, with the counts; a link to <paramref name="doctorUrl"/> when given.</summary>
    public static string Verdict(HealthReport report, string? doctorUrl = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failing = report.Findings.Count(f => f.Severity == HealthSeverity.Failing);
        var attention = report.Findings.Count - failing;
        var css = report.Verdict switch { HealthVerdict.Fine => "ok", HealthVerdict.NeedsAttention => "attention", _ => "bad" };
        var counts = report.Findings.Count == 0 ? "" : $": {string.Join(", ", new[] { failing > 0 ? $"{failing} failing" : null, attention > 0 ? $"{attention} needing attention" : null }.Where(x => x is not null))}";
        var text = E(Capitalized(report.VerdictText) + counts);
        if (doctorUrl is not null) text = $"<a href=\"{E(doctorUrl)}\">{text}</a>";
        return $"<p id=\"verdict\" class=\"verdict {css}\" data-verdict=\"{E(report.VerdictText)}\">{text}</p>";
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
