using Coffre.Jobs;
using Coffre.Application.Restore;
using Coffre.Jobs.Service;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// A restore from the dashboard, only when <c>server.allowRestore</c> is true (else both routes answer 404 and
/// nothing starts): <c>GET /backups/{id}/restore[?only=database|media]</c> shows the plan and asks for the
/// application's name; <c>POST</c> (the antiforgery token, the name typed, the parts) queues the restore as a job of
/// the <see cref="JobQueue"/> and goes back to the dashboard, which follows it. The job is the engine's
/// <see cref="ApplicationRestoreJob"/>: planned again when it starts, journaled like <c>coffre restore</c>.
/// </summary>
internal static class RestoreEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/backups/{id}/restore", Form);
        group.MapPost("/backups/{id}/restore", StartAsync);
    }

    private static async Task<IResult> Form(HttpContext ctx, string id, string? only, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes)
    {
        if (!setup.Config.Server.AllowRestore) return NotOffered();
        if (!BackupEndpoints.IsSnapshotId(id)) return Results.Text(BackupEndpoints.NotAnId, statusCode: StatusCodes.Status404NotFound);
        var planned = await PlanAsync(setup, id, only, ctx.RequestAborted);
        return PlanPage(ctx, setup, id, planned, null, antiforgery, routes);
    }

    private static async Task<IResult> StartAsync(HttpContext ctx, string id, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes,
        JobQueue queue, BackgroundJobs background, RunLog runLog, ILoggerFactory logs)
    {
        if (!setup.Config.Server.AllowRestore) return NotOffered();
        if (await ServerEndpoints.Refused(ctx, antiforgery) is { } bad) return bad;
        if (!BackupEndpoints.IsSnapshotId(id)) return Results.Text(BackupEndpoints.NotAnId, statusCode: StatusCodes.Status404NotFound);
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var log = logs.CreateLogger("Coffre.Server.Restore");
        var user = ctx.User.Identity?.Name;
        // Planned here too, so that a backup that is not there (or nothing to restore) is refused before anything is queued.
        var planned = await PlanAsync(setup, id, form["only"].ToString(), ctx.RequestAborted);
        if (planned.Plan is null) return PlanPage(ctx, setup, id, planned, null, antiforgery, routes);
        if (form["confirm"].ToString().Trim() != setup.Config.Application)
        {
            log.LogWarning("restore of backup {Id} refused: {User} did not type the application's name", id, user);
            return PlanPage(ctx, setup, id, planned, $"Not restored: type the application's name, {setup.Config.Application}, to confirm.", antiforgery, routes);
        }

        var request = new RestoreRequest { Snapshot = id, Parts = planned.Parts };
        var job = new ApplicationRestoreJob(setup.Config, setup.Clock, setup.Environment) { Output = line => { log.LogInformation("{Step}", line); runLog.Add(line); } };
        log.LogInformation("restore of backup {Id} ({Parts}) started from the dashboard by {User}", id, planned.Parts, user);
        var at = setup.Clock.GetUtcNow();
        var queued = queue.Add(ApplicationRestoreJob.Operation, async (phase, c) => (await job.RunAsync(request, phase, c).ConfigureAwait(false)).ExitCode);
        background.Start(ApplicationRestoreJob.Operation, ct => queue.RunAsync(queued, ct));
        return Results.Redirect(routes.Url(ctx, JobProgressText.AfterStart(queue, queued, added: true, at)));
    }

    /// <summary>What restoring backup <paramref name="id"/> (the parts <paramref name="only"/> names) would do now, or why it cannot be planned.</summary>
    private static async Task<Planned> PlanAsync(ServerSetup setup, string id, string? only, CancellationToken ct)
    {
        if (!RestorePartsNames.TryParseOnly(only, out var parts)) return new(RestoreParts.All, null, "choose only=database or only=media (or neither for everything)");
        try
        {
            if (!BackupEndpoints.IsSnapshotId(id)) throw new CoffreException(BackupEndpoints.NotAnId);
            var (_, plan) = await new BackupManager(setup.Config, setup.Clock, setup.Environment).PlanRestoreAsync(new RestoreRequest { Snapshot = id, Parts = parts }, ct);
            return new(parts, plan, null);
        }
        catch (CoffreException e)
        {
            return new(parts, null, e.Message);
        }
    }

    /// <summary>The restore page: 200 with a plan, 400 with a plan and a refused confirmation, 404 without a plan.</summary>
    private static IResult PlanPage(HttpContext ctx, ServerSetup setup, string id, Planned planned, string? refusal, IAntiforgery antiforgery, DashboardRoutes routes)
    {
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        var page = new PageContext(ctx.User.Identity?.Name ?? "", tokens.FormFieldName, tokens.RequestToken!, p => routes.Url(ctx, p));
        var status = planned.Plan is null ? StatusCodes.Status404NotFound : refusal is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return Results.Content(RestorePage.Render(setup.Config, id, planned.Parts, planned.Plan, planned.Problem ?? refusal, page), "text/html; charset=utf-8", statusCode: status);
    }

    private sealed record Planned(RestoreParts Parts, RestorePlan? Plan, string? Problem);

    /// <summary>server.allowRestore is false: as if the route did not exist.</summary>
    private static IResult NotOffered() =>
        Results.Text("not found: restores from the dashboard are not allowed (server.allowRestore in coffre.json)", statusCode: StatusCodes.Status404NotFound);
}
