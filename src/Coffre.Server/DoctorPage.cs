using System.Globalization;
using System.Text;
using Coffre.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// <c>/doctor</c>: what <c>coffre doctor</c> says, on the dashboard (linked from its verdict line): the verdict, then
/// every finding with its code and the command that fixes it, in the order an administrator checks things. The same
/// findings as the dashboard's Problems, <c>/health</c> and the command (<see cref="HealthMonitor"/>, docs/doctor.md).
/// </summary>
internal static class DoctorPage
{
    public const string Path = "/doctor";

    public static void Map(IEndpointRouteBuilder group) => group.MapGet(Path, ShowAsync);

    private static async Task<IResult> ShowAsync(HttpContext ctx, ServerSetup setup, HealthMonitor monitor, DashboardRoutes routes)
    {
        var report = await monitor.ReportAsync(ctx.RequestAborted);
        ctx.Response.Headers.CacheControl = "no-store";
        return Results.Content(Render(setup, report, routes.Url(ctx, "/")), "text/html; charset=utf-8");
    }

    public static string Render(ServerSetup setup, HealthReport report, string dashboardUrl)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(report);
        var app = setup.Config.Application ?? "";
        var file = setup.Config.FilePath is { } f ? $" -c {f}" : "";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Doctor — {E(app)}</h1>");
        html.Append(DashboardProblems.Verdict(report));
        if (report.Findings.Count == 0)
            html.Append("<p>Nothing to do: the configuration, the repository, its locks and disk, the backups, checks and drills, the database tools and the service are fine.</p>");
        else
        {
            html.Append("<div class=\"scroll\"><table id=\"findings\"><tr><th></th><th>What is wrong</th><th>What fixes it</th></tr>");
            foreach (var finding in report.Findings)
            {
                var failing = finding.Severity == HealthSeverity.Failing;
                var severity = failing ? "failing" : "attention";
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr data-code=\"{E(finding.Code)}\"><td class=\"{(failing ? "bad" : "attention")}\">{severity}<br><small>{E(finding.Code)}</small></td><td>{E(finding.Text)}</td><td><code>{E(finding.Fix)}</code></td></tr>");
            }
            html.Append("</table></div>");
        }
        html.Append(CultureInfo.InvariantCulture,
            $"<p>The same from a shell: <code>coffre doctor{E(file)}</code> (exit code {report.ExitCode}: 0 all good, 1 needs attention, 2 failing; <code>--json</code> for programs). When things go wrong, docs/emergency.md has the procedures.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(dashboardUrl)}\">Back to the dashboard</a></p>");
        return Page($"Doctor — {app}", html.ToString());
    }
}
