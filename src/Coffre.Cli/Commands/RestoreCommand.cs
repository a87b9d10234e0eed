using System.CommandLine;
using System.Diagnostics;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Model;
using Coffre.Repository.Locking;
using Coffre.Restore;

namespace Coffre.Cli.Commands;

internal static class RestoreCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "'latest', a snapshot ID (or prefix), or a backup's YYYYMMDD_HHMMSS" };
        var target = new Option<string?>("--target", "-t") { Description = "Folder to restore into (created when missing; must be empty). With coffre.json: restore there instead of in place" };
        var include = new Option<string[]>("--include", "-i") { Description = "Only restore this path of the snapshot (repeatable), e.g. media/uploads/2024" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Without coffre.json: restore into a non-empty folder, replacing files that are there" };
        var only = new Option<string?>("--only") { Description = "With coffre.json: restore only the database(s) or only the media (database|media)" };
        var database = new Option<string?>("--database") { Description = "With coffre.json: restore only this database (its name in the configuration)" };
        var toDatabase = new Option<string?>("--to-database") { Description = "With coffre.json: restore the database into this new database (SQLite: this file) instead" };
        var force = new Option<bool>("--force") { Description = "With coffre.json: do not ask before overwriting (a safety snapshot is still taken)" };
        var dest = new Option<string?>("--dest") { Description = "With coffre.json: restore from this repository instead of the configured one" };
        var from = new Option<string?>("--from") { Description = "With coffre.json: restore from this copy (its name or location in coffre.json's copies), e.g. when the repository is lost" };
        var cmd = new Command("restore", "Restore an application backup in place (with coffre.json), or a snapshot into a folder")
            { snapshot, target, include, overwrite, only, database, toDatabase, force, dest, from };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            // With a configuration (and no -r naming another repository) a restore puts the application back.
            if (AppConfig.IsPresent(pr) && pr.GetValue(GlobalOptions.Repo) is null)
                return await ApplicationRestore.RunAsync(pr, new ApplicationRestore.Options(pr.GetValue(snapshot)!, pr.GetValue(only),
                    pr.GetValue(include) ?? [], pr.GetValue(database), pr.GetValue(target), pr.GetValue(toDatabase), Source(pr, dest, from), pr.GetValue(force)), ct);
            if (pr.GetValue(from) is not null)
                throw new CoffreException("--from names one of coffre.json's copies: run the restore where coffre.json is (or -c FILE), without -r");
            if (pr.GetValue(target) is null)
                throw new CoffreException("restore needs --target DIR (or run it where coffre.json is to restore the application in place)");
            var repo = await RepositoryOpener.OpenAsync(pr, ct);
            var entry = await repo.FindSnapshotAsync(pr.GetValue(snapshot)!, ct);
            RunContext.Current.Snapshot(entry.Id);
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var progress = new RestoreProgress();
            var clock = Stopwatch.StartNew();
            RestoreResult result;
            await using (var _ = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, ct))
            await using (new StatusLine(() => $"[{Units.Duration(clock.Elapsed)}] {progress.FilesDone} files {Units.Bytes(progress.BytesDone)}, {Units.Rate(progress.BytesDone, clock.Elapsed)}", enabled: !json && !quiet))
            {
                try
                {
                    result = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions
                    {
                        Target = pr.GetValue(target)!,
                        Includes = pr.GetValue(include) ?? [],
                        Overwrite = pr.GetValue(overwrite),
                    }, progress, ct);
                }
                catch (InvalidTreeException e) { throw e.InSnapshot(entry.Id); }
            }
            foreach (var w in result.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
            foreach (var f in result.Failures) Console.Error.WriteLine($"coffre: not restored: {f.Path}: {f.Reason}");
            RunContext.Current.Snapshot(entry.Id, processed: result.Bytes, files: result.Files);
            if (json)
                JsonText.Print(new
                {
                    message_type = "summary", snapshot_id = entry.Id.ToString(), files_restored = result.Files, dirs_restored = result.Directories,
                    bytes_restored = result.Bytes, total_duration = clock.Elapsed.TotalSeconds,
                    not_restored = result.Failures.Select(f => new { path = f.Path, reason = f.Reason }),
                });
            else if (!quiet)
                Console.WriteLine($"restored snapshot {entry.Id.ToShortString()}: {result.Files} files, {result.Directories} folders, {Units.Bytes(result.Bytes)} in {Units.Duration(clock.Elapsed)}, every blob verified"
                    + (result.Complete ? "" : $"; {result.Failures.Count} path(s) not restored"));
            if (result.Complete) return ExitCodes.Ok;
            // Everything else is restored; what is named above is damaged or missing in the repository (exit 3, incomplete).
            throw new CoffreException($"{result.Failures.Count} path(s) could not be restored because the repository's data for them is damaged or missing (listed above); everything else was restored: run 'coffre check --read-data'",
                ExitCodes.IncompleteSource);
        });
        return cmd;
    }

    /// <summary>The repository an application restore reads: --from COPY (the copy's location), else --dest, else null (the configured one).</summary>
    private static string? Source(ParseResult pr, Option<string?> dest, Option<string?> from)
    {
        if (pr.GetValue(from) is not { } copyName) return pr.GetValue(dest);
        if (pr.GetValue(dest) is not null) throw new CoffreException("give --from COPY or --dest LOCATION, not both");
        var config = AppConfig.Load(pr);
        var copy = Maintenance.Copy.ConfiguredCopies.Find(config, copyName)
            ?? throw new CoffreException(config.Copies.Count == 0
                ? $"--from {copyName}: {config.FilePath} names no copies (docs/copies.md); to restore from another repository use --dest LOCATION"
                : $"--from {copyName}: no such copy in {config.FilePath}: use one of {string.Join(", ", config.Copies.Select(c => c.Label))}");
        return copy.Location;
    }
}
