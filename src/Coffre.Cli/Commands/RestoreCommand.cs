using System.CommandLine;
using System.Diagnostics;
using Coffre.Cli.Output;
using Coffre.Repository.Locking;
using Coffre.Restore;

namespace Coffre.Cli.Commands;

internal static class RestoreCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "Snapshot ID (or prefix), or 'latest'" };
        var target = new Option<string>("--target", "-t") { Description = "Folder to restore into (created when missing; must be empty)", Required = true };
        var include = new Option<string[]>("--include", "-i") { Description = "Only restore this path of the snapshot (repeatable)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Restore into a non-empty folder, replacing files that are there" };
        var cmd = new Command("restore", "Restore a snapshot into a folder") { snapshot, target, include, overwrite };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct);
            var entry = await repo.FindSnapshotAsync(pr.GetValue(snapshot)!, ct);
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var progress = new RestoreProgress();
            var clock = Stopwatch.StartNew();
            RestoreResult result;
            await using (var _ = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, ct))
            await using (new StatusLine(() => $"[{Units.Duration(clock.Elapsed)}] {progress.FilesDone} files {Units.Bytes(progress.BytesDone)}, {Units.Rate(progress.BytesDone, clock.Elapsed)}", enabled: !json && !quiet))
                result = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions
                {
                    Target = pr.GetValue(target)!,
                    Includes = pr.GetValue(include) ?? [],
                    Overwrite = pr.GetValue(overwrite),
                }, progress, ct);
            foreach (var w in result.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
            if (json)
                JsonText.Print(new { message_type = "summary", snapshot_id = entry.Id.ToString(), files_restored = result.Files, dirs_restored = result.Directories, bytes_restored = result.Bytes, total_duration = clock.Elapsed.TotalSeconds });
            else if (!quiet)
                Console.WriteLine($"restored snapshot {entry.Id.ToShortString()}: {result.Files} files, {result.Directories} folders, {Units.Bytes(result.Bytes)} in {Units.Duration(clock.Elapsed)}, every blob verified");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
