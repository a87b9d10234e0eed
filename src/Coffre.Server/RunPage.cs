using System.Globalization;
using System.Text;
using Coffre.Journal;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// One run of the journal, <c>/runs/OPERATION/START-UNIX-MS</c>: its summary (result, error, what it checked — a
/// check's "no errors were found (… packs read)", a drill's backup and what it compared —, the backup, sizes) and the
/// step lines the service kept of it (<see cref="RunLog"/>).
/// </summary>
internal static class RunPage
{
    public static string Path(RunRecord run) =>
        string.Create(CultureInfo.InvariantCulture, $"/runs/{Uri.EscapeDataString(run.Operation)}/{run.Start.ToUnixTimeMilliseconds()}");

    public static void Map(IEndpointRouteBuilder group) => group.MapGet("/runs/{operation}/{start}", Show);

    private static IResult Show(HttpContext ctx, string operation, string start, ServerSetup setup, JournalReader journal, RunLog runLog,
        IAntiforgery antiforgery, DashboardRoutes routes)
    {
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        var page = new PageContext(ctx.User.Identity?.Name ?? "", tokens.FormFieldName, tokens.RequestToken!, p => routes.Url(ctx, p));
        var run = start.Length <= 19 && long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? journal.History().LastOrDefault(r => r.Operation == operation && r.Start.ToUnixTimeMilliseconds() == ms)
            : null;
        if (run is null)
            return Results.Content(Html.Page("not found", $"<p><a href=\"{E(page.Url("/"))}\">← Dashboard</a></p><p class=\"bad\">No such run in the journal.</p>"),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        return Results.Content(Render(setup.Config.Application ?? "", run, runLog.For(run.Operation, run.Start, run.End), page), "text/html; charset=utf-8");
    }

    public static string Render(string application, RunRecord run, IReadOnlyList<(DateTimeOffset At, string Line)> lines, PageContext page)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="{E(page.Url("/"))}">← Dashboard</a></p>
            <h1>{E(run.Operation)} of {Times.When(run.Start)}</h1>
            <dl id="summary">
            <dt>Result</dt><dd class="{(run.Failed ? "bad" : "ok")}">{E(run.Result)} (exit {run.ExitCode})</dd>
            """);
        if (run.Error is { } error) html.Append(CultureInfo.InvariantCulture, $"<dt>Error</dt><dd class=\"bad\">{E(error)}</dd>");
        if (run.Checked is { } c) html.Append(CultureInfo.InvariantCulture, $"<dt>{(run.Operation == "login" ? "Who" : "Checked")}</dt><dd>{E(c)}</dd>");
        if (run.SnapshotId is { } id)
        {
            var shortId = id[..Math.Min(8, id.Length)];
            var link = id.All(char.IsAsciiHexDigitLower) && id.Length >= 8 ? $"<a href=\"{E(page.Url($"/backups/{id}"))}\">{E(shortId)}</a>" : E(shortId);
            html.Append(CultureInfo.InvariantCulture, $"<dt>Backup</dt><dd>{link}</dd>");
        }
        if (run.BytesAdded is { } added) html.Append(CultureInfo.InvariantCulture, $"<dt>Data added</dt><dd>{Bytes(added)}</dd>");
        if (run.BytesProcessed is { } processed) html.Append(CultureInfo.InvariantCulture, $"<dt>Read</dt><dd>{Bytes(processed)}{(run.Files is { } f ? $", {f:N0} files" : "")}</dd>");
        if (run.Copies is { } copies) html.Append(CultureInfo.InvariantCulture, $"<dt>Copies</dt><dd>{E(copies)}</dd>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>Ended</dt><dd>{Times.When(run.End)} ({run.DurationSeconds:0.#} s)</dd>");
        if (run.Host is { } host) html.Append(CultureInfo.InvariantCulture, $"<dt>Host</dt><dd>{E(host)}{(run.Version is { } v ? $", coffre {E(v)}" : "")}</dd>");
        html.Append("</dl>");
        if (RestoreRollback.SafetySnapshot(run) is { } safety) html.Append(CultureInfo.InvariantCulture, $"<p>{RestoreRollback.Button(safety, page)}</p>");
        html.Append("<h2>Log</h2>");
        if (lines.Count == 0) html.Append("<p>No log lines: the service keeps the lines of the runs it made since it started (a run of the command or of cron has its lines in its own output).</p>");
        else
        {
            html.Append("<pre id=\"log\">");
            foreach (var (at, line) in lines)
                html.Append(CultureInfo.InvariantCulture, $"{E(at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture))} {E(line)}\n");
            html.Append("</pre>");
        }
        return Page($"{application}: {run.Operation} {run.Start.ToLocalTime():yyyy-MM-dd HH:mm}", html.ToString());
    }
}
