using Coffre.Jobs;
using Coffre.Application.Drill;
using Coffre.Journal;
using Coffre.Metrics;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// "Verify this backup" and "Full drill of this backup" on a backup's page: <c>POST /backups/{id}/verify</c> reads
/// the backup back in full like <c>coffre verify ID</c>; <c>POST /backups/{id}/drill</c> restores all of it into scratch
/// places and compares, like <c>coffre drill ID --full</c>. Both queue behind any running job (<see cref="JobQueue"/>),
/// are journaled like the command (operation <c>verify</c> or <c>drill</c>, the backup, what was checked) and go back
/// to the dashboard, whose banner follows them (<see cref="JobBanner"/>).
/// </summary>
internal static class BackupChecks
{
    public const string VerifyOperation = "verify";

    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/backups/{id}/verify", VerifyAsync);
        group.MapPost("/backups/{id}/drill", DrillAsync);
    }

    private static Task<IResult> VerifyAsync(HttpContext ctx, string id, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes, JobQueue queue,
        BackgroundJobs background, RunLog runLog, ILoggerFactory logs) => StartAsync(ctx, id, full: false, setup, antiforgery, routes, queue, background, runLog, logs);

    private static Task<IResult> DrillAsync(HttpContext ctx, string id, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes, JobQueue queue,
        BackgroundJobs background, RunLog runLog, ILoggerFactory logs) => StartAsync(ctx, id, full: true, setup, antiforgery, routes, queue, background, runLog, logs);

    private static async Task<IResult> StartAsync(HttpContext ctx, string id, bool full, ServerSetup setup, IAntiforgery antiforgery, DashboardRoutes routes,
        JobQueue queue, BackgroundJobs background, RunLog runLog, ILoggerFactory logs)
    {
        if (await ServerEndpoints.Refused(ctx, antiforgery) is { } bad) return bad;
        if (!BackupEndpoints.IsSnapshotId(id)) return Results.Text(BackupEndpoints.NotAnId, statusCode: StatusCodes.Status404NotFound);
        var log = logs.CreateLogger("Coffre.Server.Actions");
        var operation = full ? RunHistorySummary.DrillOperation : VerifyOperation;
        var at = setup.Clock.GetUtcNow();
        log.LogInformation("{Operation} of backup {Id} started from the dashboard by {User}", operation, id, ctx.User.Identity?.Name);
        void Say(string line)
        {
            log.LogInformation("{Step}", $"{operation}: {line}");
            runLog.Add($"{operation}: {line}");
        }
        background.Start(operation, ct => queue.RunAsync(operation, (phase, c) => RunAsync(setup, id, full, line => { phase(line); Say(line); }, Say, c), ct));
        return Results.Redirect(routes.Url(ctx, JobBanner.StartedQuery(operation, at)));
    }

    /// <summary>The check itself, journaled; never throws for its own failure (the journal record says it).</summary>
    internal static async Task<int> RunAsync(ServerSetup setup, string id, bool full, Action<string> phase, Action<string> say, CancellationToken ct)
    {
        var config = setup.Config;
        var run = RunDetails.Begin(full ? RunHistorySummary.DrillOperation : VerifyOperation, setup.Clock);
        run.ForApplication(config);
        int exitCode;
        string? error = null;
        try
        {
            var manager = new BackupManager(config, setup.Clock, setup.Environment) { Step = phase };
            if (full)
            {
                var request = new DrillRequest { Snapshot = id, Full = true };
                phase($"full drill of backup {id[..8]}");
                var result = await manager.DrillAsync(request, phase, ct).ConfigureAwait(false);
                run.Drill(result, request);
                if (result.Failure is { } failure) throw new CoffreException(failure);
            }
            else
            {
                phase($"reading backup {id[..8]} back in full");
                var result = await manager.VerifyAsync(id, null, ct).ConfigureAwait(false);
                run.Snapshot(result.SnapshotId, processed: result.Bytes, files: result.Files);
                run.Checked = $"{result.Files} files, {result.Bytes} bytes read back";
                foreach (var p in result.Problems) say($"problem: {p}");
                if (!result.Ok) throw new CoffreException($"backup {result.SnapshotId.ToShortString()} is damaged: {result.Problems[0]}; run 'coffre check --read-data'");
            }
            exitCode = ExitCodes.Ok;
        }
#pragma warning disable CA1031 // every failure becomes the journaled one-line error, as the command's
        catch (Exception e)
#pragma warning restore CA1031
        {
            (error, exitCode) = FailureMessage.Describe(e, ct.IsCancellationRequested);
        }
        var record = run.ToRecord(setup.Clock, setup.RepositoryPath, exitCode, error);
        if (setup.LogFolder is { } folder)
        {
            try { new RunJournal(folder, setup.Clock, level: config.Logging.Level).Append(record); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { say($"warning: this run could not be recorded in {folder}: {e.Message}"); }
        }
        say(record.Result + $" (exit {exitCode})" + (record.Error is { } why ? $": {why}" : record.Checked is { } c ? $": {c}" : ""));
        return exitCode;
    }
}
