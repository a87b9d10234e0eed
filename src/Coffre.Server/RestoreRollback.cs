using System.Text.RegularExpressions;
using Coffre.Jobs.Service;
using Coffre.Journal;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// A restore that failed after its safety snapshot names it in its error (<c>… in safety snapshot 3e7d4c4a: roll back
/// with 'coffre restore 3e7d4c4a --force'</c>). The dashboard keeps every such rollback as a button to that snapshot's
/// restore page for as long as no restore has succeeded since: a second failure (of the rollback itself, say) adds its
/// own and does not hide the first.
/// </summary>
internal static partial class RestoreRollback
{
    /// <summary>The safety snapshot's short ID a failed restore names, or null.</summary>
    public static string? SafetySnapshot(RunRecord run) =>
        run.Operation == ApplicationRestoreJob.Operation && run.Failed && run.Error is { } e && Named().Match(e) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The failed restores since the last one that succeeded, newest first, each with the safety snapshot it names.</summary>
    public static IReadOnlyList<(RunRecord Run, string Safety)> Pending(IReadOnlyList<RunRecord> history)
    {
        var pending = new List<(RunRecord, string)>();
        for (var i = history.Count - 1; i >= 0; i--)
        {
            var r = history[i];
            if (r.Operation != ApplicationRestoreJob.Operation) continue;
            if (!r.Failed) break;
            if (SafetySnapshot(r) is { } safety) pending.Add((r, safety));
        }
        return pending;
    }

    /// <summary>A button-like link to the safety snapshot's restore page (the plan, then the typed confirmation).</summary>
    public static string Button(string safety, PageContext page) =>
        $"<a class=\"button\" href=\"{E(page.Url($"/backups/{safety}/restore"))}\">Roll back: restore safety snapshot {E(safety)}</a>";

    /// <summary>The box at the top of the dashboard, or "" when no failed restore waits for its rollback.</summary>
    public static string Box(IReadOnlyList<RunRecord> history, PageContext page)
    {
        var pending = Pending(history);
        if (pending.Count == 0) return "";
        var items = pending.Select(p =>
            $"<li>The restore of {Times.When(p.Run.Start)} failed: {E(p.Run.Error)}<br>{Button(p.Safety, page)}</li>");
        return $"<section id=\"rollback\" class=\"note bad\"><h2>A restore failed</h2><p>What was there before each failed restore is in its safety snapshot.</p><ul>{string.Concat(items)}</ul></section>";
    }

    [GeneratedRegex(@"safety snapshot ([0-9a-f]{8,64})\b")]
    private static partial Regex Named();
}
