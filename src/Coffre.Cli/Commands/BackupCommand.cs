using System.CommandLine;
using System.Diagnostics;
using Coffre.Archiver;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

internal static class BackupCommand
{
    public const string NoSpaceCheck = "--no-space-check";

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files and folders to back up (none: the application of coffre.json)", Arity = ArgumentArity.ZeroOrMore };
        var dest = new Option<string?>("--dest") { Description = "Application backup: store this run in another repository (a folder)" };
        var tags = new Option<string[]>("--tag") { Description = "Tag the snapshot (repeatable)", AllowMultipleArgumentsPerToken = false };
        var host = new Option<string?>("--host") { Description = "Hostname to record (default: this machine's)" };
        var excludes = new Option<string[]>("--exclude", "-e") { Description = "Leave out paths matching this pattern (repeatable; * ? **)" };
        var force = new Option<bool>("--force") { Description = "Read every file, even those the parent snapshot says are unchanged" };
        var noSpaceCheck = new Option<bool>(NoSpaceCheck) { Description = "Back up even when the estimated new data exceeds the repository disk's free space" };
        var cmd = new Command("backup", "Back up the application of coffre.json (databases + media), or files and folders") { paths, tags, host, excludes, force, dest, noSpaceCheck };
        cmd.Options.Add(BackupRotation.NoRotate);
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            if ((pr.GetValue(paths) ?? []).Length == 0)
            {
                if (!AppConfig.IsPresent(pr))
                    throw new CoffreException("nothing to back up: give paths, or run where coffre.json is (or use -c FILE)");
                return await ApplicationBackup.RunAsync(pr, pr.GetValue(dest), ct);
            }
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            repo.EnsureWritable();
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var options = new BackupOptions
            {
                Paths = pr.GetValue(paths)!,
                Tags = pr.GetValue(tags) ?? [],
                Hostname = pr.GetValue(host),
                Excludes = pr.GetValue(excludes) ?? [],
                UseParent = !pr.GetValue(force),
                CheckFreeSpace = !pr.GetValue(noSpaceCheck),
            };
            var progress = new BackupProgress { Notice = m => Console.Error.WriteLine($"coffre: {m}") };
            var clock = Stopwatch.StartNew();
            BackupResult result;
            await using (var held = await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: false, TimeProvider.System, ct))
            await using (new StatusLine(() => Render(progress, clock.Elapsed), enabled: !json && !quiet))
            {
                // A lost lock (refresh failed, or its file removed) stops the backup before it saves a snapshot.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, held.Lost);
                try { result = await new Archiver.Archiver(repo, TimeProvider.System).BackupAsync(options, progress, stop.Token); }
                catch (Exception) when (held.IsLost && !ct.IsCancellationRequested)
                {
                    held.ThrowIfLost();
                    throw;
                }
            }

            foreach (var e in result.Errors) Console.Error.WriteLine($"coffre: cannot read {e.Path}: {e.Message}");
            RunContext.Current.Backup(result);
            var s = result.Summary;
            if (json)
                JsonText.Print(new
                {
                    message_type = "summary",
                    snapshot_id = result.SnapshotId.ToString(),
                    parent = result.ParentId?.ToString(),
                    files_new = s.FilesNew,
                    files_changed = s.FilesChanged,
                    files_unmodified = s.FilesUnmodified,
                    dirs_new = s.DirsNew,
                    dirs_changed = s.DirsChanged,
                    dirs_unmodified = s.DirsUnmodified,
                    data_blobs = s.DataBlobs,
                    tree_blobs = s.TreeBlobs,
                    data_added = s.DataAdded,
                    data_added_packed = s.DataAddedPacked,
                    total_files_processed = s.TotalFilesProcessed,
                    total_bytes_processed = s.TotalBytesProcessed,
                    total_duration = clock.Elapsed.TotalSeconds,
                    errors = result.Errors.Count,
                });
            else if (!quiet)
            {
                Console.WriteLine($"Files:   {s.FilesNew} new, {s.FilesChanged} changed, {s.FilesUnmodified} unchanged");
                Console.WriteLine($"Folders: {s.DirsNew} new, {s.DirsChanged} changed, {s.DirsUnmodified} unchanged");
                Console.WriteLine($"Added:   {Units.Bytes(s.DataAdded)} ({Units.Bytes(s.DataAddedPacked)} stored after compression)");
                Console.WriteLine($"Processed {s.TotalFilesProcessed} files, {Units.Bytes(s.TotalBytesProcessed)} in {Units.Duration(clock.Elapsed)}");
                Console.WriteLine($"snapshot {result.SnapshotId.ToShortString()} saved{(result.Complete ? "" : $" (incomplete: {result.Errors.Count} path(s) could not be read)")}");
            }
            return result.Complete ? ExitCodes.Ok : ExitCodes.IncompleteSource;
        });
        return cmd;
    }

    private static string Render(BackupProgress p, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? p.BytesDone / elapsed.TotalSeconds : 0;
        var eta = p.ScanFinished && rate > 0 && p.TotalBytes > p.BytesDone
            ? " ETA " + Units.Duration(TimeSpan.FromSeconds((p.TotalBytes - p.BytesDone) / rate))
            : "";
        var total = p.ScanFinished ? $" / {p.TotalFiles} files {Units.Bytes(p.TotalBytes)}" : "";
        var errors = p.Errors > 0 ? $", {p.Errors} errors" : "";
        return $"[{Units.Duration(elapsed)}] {p.FilesDone} files {Units.Bytes(p.BytesDone)}{total}, {Units.Bytes(rate)}/s{eta}{errors}";
    }
}
