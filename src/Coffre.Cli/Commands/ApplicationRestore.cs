using System.CommandLine;
using System.Diagnostics;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Jobs;
using Coffre.Application.Restore;

namespace Coffre.Cli.Commands;

/// <summary>
/// `coffre restore` with a configuration: puts an application backup back where the configuration says the
/// databases and media live (or elsewhere with --target / --to-database). Shows the plan, asks unless --force,
/// and refuses to overwrite without a terminal to ask on.
/// </summary>
internal static class ApplicationRestore
{
    public sealed record Options(string Snapshot, string? Only, string[] Includes, string? Database, string? Target, string? ToDatabase, string? Destination, bool Force);

    public static async Task<int> RunAsync(ParseResult pr, Options o, CancellationToken ct)
    {
        var config = AppConfig.Load(pr);
        RunContext.Current.ForApplication(config, o.Destination);
        return await JobTurn.RunAsync(config, "restore", c => RunTurnAsync(pr, config, o, c), ct);
    }

    private static async Task<int> RunTurnAsync(ParseResult pr, Configuration.CoffreConfig config, Options o, CancellationToken ct)
    {
        var manager = new BackupManager(config, TimeProvider.System);
        var json = pr.GetValue(GlobalOptions.Json);
        var quiet = pr.GetValue(GlobalOptions.Quiet);
        var snapshot = IsArchive(o.Snapshot) ? await ImportArchiveAsync(manager, config, o, json || quiet, ct) : o.Snapshot;
        var request = new RestoreRequest
        {
            Snapshot = snapshot,
            Parts = RestorePartsNames.TryParseOnly(o.Only, out var parts) ? parts : throw new CoffreException($"--only {o.Only}: use --only database or --only media"),
            Includes = o.Includes,
            Database = o.Database,
            Target = o.Target,
            ToDatabase = o.ToDatabase,
            Destination = o.Destination,
        };
        var (repo, plan) = await manager.PlanRestoreAsync(request, ct);
        RunContext.Current.Snapshot(plan.Snapshot.Id);
        if (!json) PrintPlan(plan, manager.Application);
        foreach (var w in plan.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
        if (plan.OverwritesInPlace && !o.Force && !Confirm())
        {
            Console.Error.WriteLine("coffre: restore cancelled; nothing was changed");
            RunContext.Current.Problem = "restore cancelled at the question; nothing was changed";
            return ExitCodes.Fatal;
        }

        var clock = Stopwatch.StartNew();
        var result = await manager.RestoreBackupAsync(repo, plan, request, step => { if (!json && !quiet) Console.WriteLine($"  {step}"); }, ct);
        foreach (var w in result.Warnings.Skip(plan.Warnings.Count)) Console.Error.WriteLine($"coffre: warning: {w}");
        RunContext.Current.Restore(result);
        if (json) PrintJson(result);
        else if (!quiet) PrintResult(result, clock.Elapsed);
        return ExitCodes.Ok;
    }

    /// <summary>A .tar.gz archive (the old script's or an export) rather than a backup of the repository.</summary>
    private static bool IsArchive(string reference) =>
        reference.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || reference.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || File.Exists(reference);

    /// <summary>
    /// `coffre restore FILE.tar.gz`: the archive's SHA-256 is checked against FILE.tar.gz.json first (a mismatch
    /// stops here, nothing written), then the archive is imported as a backup (tag imported), which the restore
    /// then puts back like any other: same plan, question, safety snapshot and verification.
    /// </summary>
    private static async Task<string> ImportArchiveAsync(BackupManager manager, Configuration.CoffreConfig config, Options o, bool quiet, CancellationToken ct)
    {
        var path = Path.GetFullPath(o.Snapshot);
        if (!File.Exists(path)) throw new CoffreException($"no archive at {path}: check the path (absolute, or relative to the current folder)");
        if (await Coffre.Archives.ArchiveSidecar.VerifyAsync(path, ct) is null)
            Console.Error.WriteLine($"coffre: warning: no {Path.GetFileName(Coffre.Archives.ArchiveSidecar.PathFor(path))} beside the archive: its SHA-256 cannot be checked");
        var repo = await manager.OpenRepositoryAsync(o.Destination, ct);
        var imported = await Coffre.Archives.ArchiveImporter.ImportAsync(repo, config, path, TimeProvider.System, null, null, ct);
        foreach (var w in imported.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
        if (!quiet)
            Console.WriteLine($"archive {Path.GetFileName(path)} (SHA-256 {(imported.SidecarVerified ? "verified" : "not recorded")}) imported as backup {imported.Backup.SnapshotId.ToShortString()}");
        return imported.Backup.SnapshotId.ToString();
    }

    private static void PrintPlan(RestorePlan plan, string application)
    {
        Console.WriteLine(RestorePlanText.Heading(plan, application));
        Console.WriteLine("Will restore:");
        foreach (var line in RestorePlanText.Parts(plan)) Console.WriteLine($"  {line}");
        if (plan.OverwritesInPlace) Console.WriteLine(RestorePlanText.SafetySnapshotNote);
    }

    /// <summary>Asks on the terminal. Without one (a pipe, cron) the answer is no: overwriting needs --force there.</summary>
    private static bool Confirm()
    {
        if (Console.IsInputRedirected)
            throw new CoffreException("this restore overwrites data and there is no terminal to ask for confirmation: add --force to restore without asking");
        Console.Write("Restore? [y/N] ");
        var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        return answer is "y" or "yes" or "o" or "oui";
    }

    private static void PrintResult(ApplicationRestoreResult r, TimeSpan elapsed)
    {
        foreach (var d in r.Databases)
            Console.WriteLine(d.Note is null
                ? $"database {d.Name}: restored into {d.Destination}; {d.TablesChecked} tables, {d.Rows} rows, row counts match the backup"
                : $"database {d.Name}: restored into {d.Destination} ({d.Note})");
        foreach (var m in r.Media)
            Console.WriteLine($"media {m.Name}: {m.FilesRestored} files ({Units.Bytes(m.BytesRestored)}) restored into {m.Destination}"
                              + (m.Removed > 0 ? $", {m.Removed} removed" : "") + $"; {m.Check.Files} files verified against the backup");
        if (r.SafetySnapshot is { } s)
            Console.WriteLine($"safety snapshot {s.ToShortString()} keeps what was there before: undo with 'coffre restore {s.ToShortString()} --force'");
        Console.WriteLine($"restore of backup {r.Plan.Snapshot.Id.ToShortString()} done and verified in {Units.Duration(elapsed)}");
    }

    private static void PrintJson(ApplicationRestoreResult r) => JsonText.Print(new
    {
        message_type = "summary",
        snapshot_id = r.Plan.Snapshot.Id.ToString(),
        safety_snapshot_id = r.SafetySnapshot?.ToString(),
        verified = r.Verified,
        databases = r.Databases.Select(d => new { name = d.Name, destination = d.Destination, tables = d.TablesChecked, rows = d.Rows, mismatches = d.Mismatches, note = d.Note }),
        media = r.Media.Select(m => new { name = m.Name, destination = m.Destination, files_restored = m.FilesRestored, bytes_restored = m.BytesRestored, removed = m.Removed, files_verified = m.Check.Files }),
        warnings = r.Warnings,
        total_duration = r.Duration.TotalSeconds,
    });
}
