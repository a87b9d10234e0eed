using System.Globalization;
using System.Text;
using Coffre.Configuration;
using Coffre.Application.Restore;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The restore of one backup, before it starts: the plan as <c>coffre restore</c> prints it (<see cref="RestorePlanText"/>),
/// the choice of parts (everything, only the databases, only the media: each a new plan), what protects the data (the
/// safety snapshot, the hooks), and the form that asks for the application's name to confirm.
/// </summary>
internal static class RestorePage
{
    /// <param name="id">The backup's ID as the address has it.</param>
    /// <param name="plan">What the restore would do, or null when it cannot be planned (<paramref name="problem"/> says why).</param>
    /// <param name="problem">Why there is no plan, or why the last confirmation was refused.</param>
    public static string Render(CoffreConfig config, string id, RestoreParts parts, RestorePlan? plan, string? problem, PageContext page)
    {
        var app = config.Application ?? "";
        var title = plan is null ? id[..Math.Min(8, id.Length)] : plan.Stamp;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="{E(page.Url("/"))}">← Dashboard</a> · <a href="{E(page.Url($"/backups/{id}"))}">the backup's files</a></p>
            <h1>Restore backup {E(title)}</h1>
            <p>Restore: {Choices(config, id, parts, page)}</p>
            """);
        if (problem is not null) html.Append(CultureInfo.InvariantCulture, $"<p class=\"bad\">{E(problem)}</p>");
        if (plan is null) return Page($"{app}: restore", html.ToString());

        html.Append(CultureInfo.InvariantCulture, $"<p>{E(RestorePlanText.Heading(plan, app))}</p><h2>Will restore</h2><ul>");
        foreach (var line in RestorePlanText.Parts(plan)) html.Append(CultureInfo.InvariantCulture, $"<li>{E(line)}</li>");
        html.Append("</ul>");
        foreach (var warning in plan.Warnings) html.Append(CultureInfo.InvariantCulture, $"<p class=\"bad\">warning: {E(warning)}</p>");
        if (plan.OverwritesInPlace)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(RestorePlanText.SafetySnapshotNote)} If the restore fails halfway, the dashboard names that snapshot: restoring it rolls back.</p>");
            if (config.Hooks.PreRestore is { Length: > 0 }) html.Append("<p>The preRestore hook runs first (to stop the application); if it fails, nothing is written.</p>");
            if (config.Hooks.PostRestore is { Length: > 0 }) html.Append("<p>The postRestore hook runs once the restored data is verified, and not after a failure.</p>");
        }
        html.Append(CultureInfo.InvariantCulture, $"""
            <p>Afterwards every restored file is read back and compared with the backup, and each database's row counts with the backup's.
            The restore runs as a job, after any job running now; the dashboard follows it.</p>
            <form method="post" action="{E(page.Url($"/backups/{id}/restore"))}">
            <input type="hidden" name="{E(page.FormField)}" value="{E(page.Token)}">
            <input type="hidden" name="only" value="{E(RestorePartsNames.Only(parts))}">
            <p><label for="confirm">To confirm, type the application's name, <b>{E(app)}</b>:</label><br>
            <input id="confirm" name="confirm" autocomplete="off" autocapitalize="off" spellcheck="false" required></p>
            <p><button>Restore</button></p>
            </form>
            """);
        return Page($"{app}: restore {plan.Stamp}", html.ToString());
    }

    /// <summary>Everything · only the database(s) · only the media: links to the same page with another plan, the current one in bold.</summary>
    private static string Choices(CoffreConfig config, string id, RestoreParts current, PageContext page)
    {
        (RestoreParts Parts, string Label)[] choices =
        [
            (RestoreParts.All, "everything"),
            (RestoreParts.Databases, config.Databases.Count == 1 ? "only the database" : "only the databases"),
            (RestoreParts.Media, "only the media"),
        ];
        return string.Join(" · ", choices.Select(c =>
        {
            if (c.Parts == current) return $"<b>{E(c.Label)}</b>";
            var only = RestorePartsNames.Only(c.Parts);
            return $"<a href=\"{E(page.Url($"/backups/{id}/restore" + (only is null ? "" : "?only=" + only)))}\">{E(c.Label)}</a>";
        }));
    }
}
