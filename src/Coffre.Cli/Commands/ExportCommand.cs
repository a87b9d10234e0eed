using System.CommandLine;
using System.Diagnostics;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Archives;
using Coffre.Restore;

namespace Coffre.Cli.Commands;

/// <summary>`coffre export SNAPSHOT FILE.tar.gz`: a snapshot as a self-contained archive in the old script's layout, with its .json sidecar.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "latest, a snapshot ID (or its first characters), or YYYYMMDD_HHMMSS as 'coffre list' shows it" };
        var file = new Argument<string>("file") { Description = "The archive to write (FILE.tar.gz; FILE.tar.gz.json is written beside it)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing archive and sidecar" };
        var cmd = new Command("export", "Write a backup as a .tar.gz archive (database_<name>.<ext>, media/, metadata.json) and its .json sidecar") { snapshot, file, force };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.IsPresent(pr) ? AppConfig.Load(pr) : null;
            if (config is not null) RunContext.Current.ForApplication(config, RepositoryOpener.GivenLocation(pr));
            var repo = await RepositoryOpener.OpenAsync(pr, ct);
            repo.EnsureIndexComplete();
            var appTag = config?.Application is { } app ? "app:" + app : null;
            var entry = await Repository.SnapshotResolver.ResolveAsync(repo, appTag, pr.GetValue(snapshot)!, ct);
            RunContext.Current.Snapshot(entry.Id);
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var progress = new RestoreProgress();
            var clock = Stopwatch.StartNew();
            ExportResult result;
            await using (new StatusLine(() => $"[{Units.Duration(clock.Elapsed)}] {progress.FilesDone} files {Units.Bytes(progress.BytesDone)}, {Units.Rate(progress.BytesDone, clock.Elapsed)}", enabled: !json && !quiet))
                result = await ArchiveExporter.ExportAsync(repo, entry, pr.GetValue(file)!, new ExportOptions { Overwrite = pr.GetValue(force), Config = config }, progress, ct);
            foreach (var w in result.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
            RunContext.Current.Snapshot(entry.Id, processed: result.Bytes, files: result.Files);
            if (json)
                JsonText.Print(new
                {
                    message_type = "summary",
                    snapshot_id = entry.Id.ToString(),
                    archive = result.ArchivePath,
                    sidecar = result.SidecarPath,
                    size = result.Size,
                    sha256 = result.Sidecar.Hash,
                    timestamp = result.Sidecar.Timestamp,
                    files = result.Files,
                    bytes = result.Bytes,
                    total_duration = clock.Elapsed.TotalSeconds,
                });
            else if (!quiet)
                Console.WriteLine($"exported snapshot {entry.Id.ToShortString()} ({result.Sidecar.Timestamp}) to {result.ArchivePath}: {result.Files} files, {Units.Bytes(result.Bytes)} -> {Units.Bytes(result.Size)}, sha256 {result.Sidecar.Hash}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
