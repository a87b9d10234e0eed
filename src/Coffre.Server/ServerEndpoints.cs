using System.Security.Claims;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Metrics.Prometheus;
using Coffre.Scheduling;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>The routes of the dashboard, relative to its prefix (<see cref="DashboardRoutes"/>). The group requires the dashboard login except /health, /login and /metrics (which takes a bearer token too).</summary>
internal static class ServerEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/health", Health).AllowAnonymous();
        group.MapGet("/login", LoginForm).AllowAnonymous();
        group.MapPost("/login", Login).AllowAnonymous();
        group.MapPost("/logout", Logout);
        group.MapGet("/", Dashboard);
        // Func, not a lambda: a lambda taking only HttpContext would bind as a RequestDelegate and drop the result.
        Func<HttpContext, Task<IResult>> backup = ctx => StartJob(ctx, JobKind.Backup), drill = ctx => StartJob(ctx, JobKind.Drill),
            check = ctx => StartJob(ctx, JobKind.Check);
        group.MapPost("/actions/backup", backup);
        group.MapPost("/actions/drill", drill);
        group.MapPost("/actions/check", check);
        group.MapGet("/progress", (JobQueue queue, LiveJob live) => Results.Json(JobProgressText.Json(queue, live)));
        group.MapGet("/metrics", Metrics).AllowAnonymous();
        BackupEndpoints.Map(group);
        RestoreEndpoints.Map(group);
        DoctorPage.Map(group);
        BackupChecks.Map(group);
        BackupDownloads.Map(group);
        RunPage.Map(group);
    }

    /// <summary>
    /// No login: a load balancer or monitor learns the verdict (status <c>ok</c>, <c>attention</c> or <c>failing</c>;
    /// HTTP 503 when failing) through ASP.NET Core's health checks (<see cref="CoffreHealthCheck"/>). Only a logged-in
    /// session or the metrics token also gets the findings, the last backup and the running job (they name internal
    /// paths and errors).
    /// </summary>
    private static async Task<IResult> Health(HttpContext ctx, ServerSetup setup, JobQueue queue, MetricsToken token, JournalReader journal, HealthCheckService checks, HealthMonitor monitor)
    {
        var result = await checks.CheckHealthAsync(c => c.Name == CoffreHealthCheck.Name, ctx.RequestAborted);
        var status = result.Status switch { HealthStatus.Healthy => "ok", HealthStatus.Degraded => "attention", _ => "failing" };
        var code = result.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        ctx.Response.Headers.CacheControl = "no-store";
        if (!await MaySeeDetailsAsync(ctx, token)) return Results.Json(new { status }, statusCode: code);
        var report = await monitor.ReportAsync(ctx.RequestAborted);
        var last = journal.History().LastOrDefault(r => r.Operation == RunHistorySummary.BackupOperation && r.Application == setup.Config.Application);
        return Results.Json(new
        {
            status,
            verdict = report.VerdictText,
            application = setup.Config.Application,
            findings = report.Findings.Select(f => new { code = f.Code, severity = f.Severity == Coffre.Health.HealthSeverity.Failing ? "failing" : "attention", text = f.Text, fix = f.Fix }),
            running = queue.Running?.Name,
            lastBackup = last is null ? null : new { start = last.Start, end = last.End, result = last.Result, error = last.Error, snapshot = last.SnapshotId },
        }, statusCode: code);
    }

    /// <summary>Whether an anonymous route's caller is the logged-in admin or carries the metrics token.</summary>
    private static async Task<bool> MaySeeDetailsAsync(HttpContext ctx, MetricsToken token) =>
        (await ctx.AuthenticateAsync(CoffreAuthentication.Scheme)).Succeeded || token.Accepts(ctx.Request.Headers.Authorization.ToString());

    private static IResult LoginForm(HttpContext ctx, ServerSetup setup, AdminAccount admin, IAntiforgery antiforgery, DashboardRoutes routes)
    {
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        return Results.Content(LoginPage.Render(setup.Config.Application ?? "", routes.Url(ctx, "/login"), tokens.FormFieldName, tokens.RequestToken!, null, admin.Problem), "text/html; charset=utf-8");
    }

    private static async Task<IResult> Login(HttpContext ctx, ServerSetup setup, AdminAccount admin, LoginThrottle throttle, LoginJournal journal, LoginAlerts alerts, IAntiforgery antiforgery, DashboardRoutes routes,
        UntrustedProxy untrusted)
    {
        if (await Refused(ctx, antiforgery) is { } bad) return bad;
        untrusted.Check(ctx);
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var user = form["user"].ToString();
        var password = form["password"].ToString();
        var address = ClientAddress.Display(ctx);
        var client = ClientAddress.ThrottleKey(ctx);
        IResult Again(int status, string message)
        {
            var tokens = antiforgery.GetAndStoreTokens(ctx);
            return Results.Content(LoginPage.Render(setup.Config.Application ?? "", routes.Url(ctx, "/login"), tokens.FormFieldName, tokens.RequestToken!, message, admin.Problem, LoginJournal.Shown(user)), "text/html; charset=utf-8", statusCode: status);
        }

        // Checked and counted in one step: concurrent attempts of one client get one try between them.
        var attempt = throttle.Begin(client);
        if (attempt.RefusedEarlier > 0) journal.RecordRefusedBurst(address, attempt.RefusedEarlier);
        if (attempt.BlockedUntil is { } until)
        {
            if (attempt.FirstRefusal) journal.Record(user, address, false, $"refused: too many failures, blocked until {until.ToLocalTime():HH:mm:ss}");
            ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((until - setup.Clock.GetUtcNow()).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Again(StatusCodes.Status429TooManyRequests, attempt.Failures >= LoginThrottle.MaxFailures
                ? $"Too many failed attempts: try again after {until.ToLocalTime():HH:mm:ss}."
                : $"Wait until {until.ToLocalTime():HH:mm:ss} before the next attempt (each failed attempt makes the wait longer).");
        }
        if (admin.Problem is not null)
        {
            throttle.Failed(client);
            journal.Record(user, address, false, "login is impossible: " + admin.Problem);
            return Again(StatusCodes.Status403Forbidden, "Login is impossible until the administrator is configured.");
        }
        if (!admin.Check(user, password))
        {
            var failures = throttle.Failed(client);
            journal.Record(user, address, false, "wrong user or password");
            if (failures >= LoginThrottle.MaxFailures && throttle.BlockedUntil(client) is { } lockedUntil)
                alerts.LockedOut(LoginJournal.Shown(user), address, failures, lockedUntil);
            return Again(StatusCodes.Status401Unauthorized, "Wrong user or password.");
        }
        throttle.Succeeded(client);
        journal.Record(user, address, true, null);
        alerts.Succeeded();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CoffreAuthentication.Scheme);
        await ctx.SignInAsync(CoffreAuthentication.Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(routes.Url(ctx, "/"));
    }

    private static async Task<IResult> Logout(HttpContext ctx, IAntiforgery antiforgery, DashboardRoutes routes)
    {
        if (await Refused(ctx, antiforgery) is { } bad) return bad;
        await ctx.SignOutAsync(CoffreAuthentication.Scheme);
        return Results.Redirect(routes.Url(ctx, "/login"));
    }

    private static async Task<IResult> Dashboard(HttpContext ctx, ServerSetup setup, ScheduleService schedule, JobQueue queue, LiveJob live, IAntiforgery antiforgery, DashboardRoutes routes,
        JournalReader journal, LoginJournal logins, HealthMonitor monitor, ReadSession session)
    {
        var data = await DashboardData.GatherAsync(setup, session, journal, logins, SignInsBox.Read, ctx.RequestAborted);
        var health = await monitor.ReportAsync(ctx.RequestAborted);
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        ctx.Response.Headers.ContentSecurityPolicy = DashboardGuard.PolicyAllowing(DashboardPage.LiveScriptCode(routes.Url(ctx, "/progress")));
        var page = new PageContext(ctx.User.Identity?.Name ?? "", tokens.FormFieldName, tokens.RequestToken!, path => routes.Url(ctx, path));
        var query = ctx.Request.Query;
        var asked = query["started"].FirstOrDefault() ?? query["queued"].FirstOrDefault();
        var waiting = asked is not null && queue.Jobs.Any(j => j.Name == asked && j.State == Jobs.Service.JobState.Queued);
        var banner = JobBanner.Render(asked, query["at"].FirstOrDefault(), data.History, page, waiting);
        if (banner.Length == 0 && JobProgressText.Notice(query) is { } notice) banner = $"<p id=\"banner\" class=\"note\">{Html.E(notice)}</p>";
        return Results.Content(DashboardPage.Render(setup, data, schedule.Plan, (JobProgressText.Line(queue, live), JobProgressText.LastEnded(live), JobProgressText.CancelForms(queue, tokens, routes.Url(ctx, "/jobs"))), page, health, banner, BackupsPage(ctx)), "text/html; charset=utf-8");
    }

    /// <summary>The backups' page number of <c>?page=N</c> (1 when missing or not a number).</summary>
    private static int BackupsPage(HttpContext ctx) =>
        int.TryParse(ctx.Request.Query["page"].FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    /// <summary>Queues the job behind any running one and answers at once; the dashboard shows the result.</summary>
    private static async Task<IResult> StartJob(HttpContext ctx, JobKind kind)
    {
        var services = ctx.RequestServices;
        if (await Refused(ctx, services.GetRequiredService<IAntiforgery>()) is { } bad) return bad;
        var queue = services.GetRequiredService<JobQueue>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Coffre.Server.Actions");
        var at = services.GetRequiredService<ServerSetup>().Clock.GetUtcNow();
        log.LogInformation("{Job} asked for from the dashboard by {User}", kind, ctx.User.Identity?.Name);
        // In the background, so the page answers at once; a stop of the service gives it StopGrace to end, like a scheduled job.
        var (job, added) = queue.Enqueue(kind);
        if (added) services.GetRequiredService<BackgroundJobs>().Start(job.Name, ct => queue.RunAsync(job, ct));
        return Results.Redirect(services.GetRequiredService<DashboardRoutes>().Url(ctx, JobProgressText.AfterStart(queue, job, added, at)));
    }

    /// <summary>Prometheus text; for a logged-in session or <c>Authorization: Bearer TOKEN</c> (server.metricsTokenEnv).</summary>
    private static async Task<IResult> Metrics(HttpContext ctx, ServerSetup setup, MetricsToken token)
    {
        if (!await MaySeeDetailsAsync(ctx, token)) // an anonymous route: the session is not read for it
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Unauthorized();
        }
        using var metrics = new CoffreMetrics([new MetricsTarget { Repository = setup.RepositoryPath, LogFolder = setup.LogFolder, Application = setup.Config.Application, Copies = setup.Config.Copies }]);
        using var collector = new PrometheusCollector(metrics.Meter);
        return Results.Text(PrometheusText.Format(collector.Collect()), "text/plain; version=0.0.4; charset=utf-8");
    }

    /// <summary>A 400 when the POST lacks a valid antiforgery token (a cross-site request), else null.</summary>
    internal static async Task<IResult?> Refused(HttpContext ctx, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(ctx);
            return null;
        }
        catch (AntiforgeryValidationException e) when (e.InnerException is InvalidDataException)
        {
            return DashboardGuard.TooLarge(); // the form could not be read within the dashboard's limits
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Text("refused: the form's antiforgery token is missing or wrong; reload the page and try again", statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
