using Coffre.Jobs;
using Coffre.Archives;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Coffre.Application;

namespace Coffre.Server;

/// <summary>A backup's own pages: its files folder by folder, and its download as the export archive; and the cancel of a job.</summary>
internal static class BackupEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        // No regex route constraint: CreateSlimBuilder leaves them out. The handlers check the ID (IsSnapshotId).
        group.MapGet("/backups/{id}", Browse);
        group.MapGet("/backups/{id}/export", Export);
        group.MapPost("/jobs/{id}/cancel", CancelJob);
    }

    /// <summary>
    /// Cancels a queued or running job (the dashboard's Cancel button, antiforgery token required). A queued job leaves
    /// the line, a running one stops; both are journaled <c>cancelled</c>. A restore past its point of no return, or a
    /// job that already ended, is not cancelled: 409 with why.
    /// </summary>
    private static async Task<IResult> CancelJob(HttpContext ctx, string id, JobQueue queue, IAntiforgery antiforgery, DashboardRoutes routes, ILoggerFactory logs)
    {
        if (await ServerEndpoints.Refused(ctx, antiforgery) is { } bad) return bad;
        var user = ctx.User.Identity?.Name ?? "someone";
        var job = id.Length <= 32 ? queue.Find(id) : null;
        var refusal = job is null ? "no such job is queued or running (it may have ended)" : job.Ticket.Cancel($"{user} from the dashboard");
        var log = logs.CreateLogger("Coffre.Server.Actions");
        if (refusal is null)
        {
            log.LogInformation("{Job} cancelled from the dashboard by {User}", job!.Name, user);
            return Results.Redirect(routes.Url(ctx, $"/?cancelled={job.Name}"));
        }
        log.LogInformation("cancel of job {Job} refused: {Why}", job?.Name ?? "(none)", refusal);
        return Results.Content(Html.Page("not cancelled", $"<p><a href=\"{Html.E(routes.Url(ctx, "/"))}\">← Dashboard</a></p><p class=\"bad\">Not cancelled: {Html.E(refusal)}</p>"),
            "text/html; charset=utf-8", statusCode: job is null ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
    }

    /// <summary>One folder of a backup, <c>?path=/media/uploads</c>.</summary>
    private static async Task<IResult> Browse(HttpContext ctx, string id, string? path, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes, JournalReader journal)
    {
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        var page = new PageContext(ctx.User.Identity?.Name ?? "", tokens.FormFieldName, tokens.RequestToken!, p => routes.Url(ctx, p));
        try
        {
            if (!IsSnapshotId(id)) throw new CoffreException(NotAnId);
            if (path is { Length: > MaxPathLength }) throw new CoffreException($"the folder path is longer than {MaxPathLength} characters");
            var folder = await new BackupManager(setup.Config, setup.Clock, setup.Environment).BrowseAsync(id, path ?? "/", ctx.RequestAborted);
            return Results.Content(BrowsePage.Render(setup.Config.Application ?? "", folder, page, setup.Config.Server.AllowRestore, journal.History(), BackupCopiesSection.Render(setup, folder.Snapshot.Id.ToString())), "text/html; charset=utf-8");
        }
        catch (CoffreException e)
        {
            return Results.Content(Html.Page("not found", $"<p><a href=\"{Html.E(page.Url("/"))}\">← Dashboard</a></p><p class=\"bad\">{Html.E(e.Message)}</p>"),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>
    /// The backup as the tar.gz of <c>coffre export</c>, streamed (nothing is written on the server). A failure after
    /// the first bytes aborts the connection, so the browser reports a failed download instead of saving a truncated archive.
    /// </summary>
    private static async Task Export(HttpContext ctx, string id, ServerSetup setup, ReadSession session, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("Coffre.Server.Export");
        Repository.Repository repo;
        Repository.SnapshotEntry entry;
        try
        {
            if (!IsSnapshotId(id)) throw new CoffreException(NotAnId);
            repo = await session.RepositoryAsync(ctx.RequestAborted);
            entry = await repo.FindSnapshotAsync(id, ctx.RequestAborted);
        }
        catch (CoffreException e)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            await ctx.Response.WriteAsync(e.Message + "\n", ctx.RequestAborted);
            return;
        }
        var name = $"{setup.Config.Application}_{BackupStamp.Format(entry.Snapshot.Time.ToDateTimeOffset())}.tar.gz";
        ctx.Response.ContentType = "application/gzip";
        ctx.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = name }.ToString();
        log.LogInformation("backup {Id} downloaded by {User} as {Name}", entry.Id.ToShortString(), ctx.User.Identity?.Name, name);
        try { await ArchiveExporter.StreamAsync(repo, entry, ctx.Response.Body, setup.Clock, ctx.RequestAborted); }
        catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            log.LogError("the download of backup {Id} failed: {Message}", entry.Id.ToShortString(), e.Message);
            ctx.Abort();
        }
    }

    /// <summary>The longest folder path a browse accepts (the path is walked one tree at a time).</summary>
    internal const int MaxPathLength = 4096;

    /// <summary>The refusal of a malformed ID, which is not repeated back (it may be anything, of any length).</summary>
    internal const string NotAnId = "not a backup ID: a backup ID is 8 to 64 hexadecimal digits";

    /// <summary>A snapshot ID or a prefix of at least 8 hex digits (what the pages link to): never "latest" or a path.</summary>
    internal static bool IsSnapshotId(string id) => id.Length is >= 8 and <= 64 && id.All(char.IsAsciiHexDigitLower);

}
