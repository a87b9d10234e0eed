using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Maintenance.Repair;
using Coffre.Model;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

/// <summary>restic's repair verbs (docs/repair.md): each under an exclusive lock.</summary>
internal static class RepairCommand
{
    public static Command Create()
    {
        var cmd = new Command("repair", "Repair a damaged repository: index, snapshots, packs (docs/repair.md)");
        cmd.Subcommands.Add(IndexCommand());
        cmd.Subcommands.Add(SnapshotsCommand());
        cmd.Subcommands.Add(PacksCommand());
        return cmd;
    }

    private static Action<string> Say(ParseResult pr) =>
        pr.GetValue(GlobalOptions.Json) || pr.GetValue(GlobalOptions.Quiet) ? _ => { } : Console.WriteLine;

    private static Command IndexCommand()
    {
        var readAll = new Option<bool>("--read-all-packs") { Description = "Read every pack's header, not only those the index lacks or describes with the wrong size" };
        var cmd = new Command("index", "Rebuild the index from the packs that exist") { readAll };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            repo.Activity = "repair";
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            var r = await IndexRepair.RunAsync(repo, pr.GetValue(readAll), Say(pr), ct);
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new { message_type = "repair_index", packs_added = r.PacksAdded, packs_reindexed = r.PacksReindexed, packs_removed = r.PacksRemoved, packs_skipped = r.PacksSkipped, invalid_index_files = r.InvalidIndexFiles, index_files_written = r.IndexFilesWritten });
            else if (!pr.GetValue(GlobalOptions.Quiet)) Console.WriteLine(r.Changed ? "done" : "the index is complete: nothing to do");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command SnapshotsCommand()
    {
        var ids = new Argument<string[]>("snapshot") { Description = "Snapshots to repair (ID or unique prefix; none: all)", Arity = ArgumentArity.ZeroOrMore };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only print what would be done" };
        var forget = new Option<bool>("--forget") { Description = "Remove the original snapshots after saving the repaired ones" };
        var cmd = new Command("snapshots", "Rewrite snapshots without their missing or damaged data (run 'repair index' first)") { ids, dryRun, forget };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            repo.Activity = "repair";
            var dry = pr.GetValue(dryRun);
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            await repo.LoadIndexAsync(ct);
            repo.EnsureIndexComplete();
            var say = Say(pr);
            var r = await new SnapshotRepair(repo, say).RunAsync(pr.GetValue(ids) ?? [], dry, pr.GetValue(forget), ct);
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new { message_type = "repair_snapshots", dry_run = dry, modified = r.Modified, removed = r.Removed, unreadable = r.Unreadable });
            else
            {
                say("");
                say(r.Modified + r.Removed == 0
                    ? dry ? "no snapshots would be modified" : "no snapshots were modified"
                    : dry ? $"would modify {r.Modified} snapshots, remove {r.Removed}" : $"modified {r.Modified} snapshots, removed {r.Removed}");
            }
            if (r.Unreadable > r.Removed)
                throw new CoffreException($"{r.Unreadable - r.Removed} snapshot file(s) are unreadable: name them with 'coffre repair snapshots --forget ID' to remove them");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command PacksCommand()
    {
        var ids = new Argument<string[]>("pack") { Description = "Damaged packs to salvage (full IDs, as 'coffre check' prints them)", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("packs", "Salvage the readable blobs of damaged packs into new packs and remove the packs (a copy of each is kept in the current folder)") { ids };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var packs = new HashSet<BlobId>();
            foreach (var s in pr.GetValue(ids) ?? [])
                packs.Add(BlobId.TryParse(s, out var id) ? id : throw new CoffreException($"{s}: give a pack's full ID (64 hex characters), as 'coffre check' prints it"));
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            repo.Activity = "repair";
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            var say = Say(pr);
            say("saving backup copies of pack files to current folder");
            foreach (var p in packs)
            {
                try
                {
                    if (!await PackRepair.SaveCopyAsync(repo, p, Environment.CurrentDirectory, ct)) say($"pack {p} does not exist: no copy to keep");
                }
                catch (IOException e)
                {
                    throw new CoffreException($"cannot keep a copy of pack {p.ToShortString()} in {Environment.CurrentDirectory} ({e.Message}): run from a folder you can write, without an older pack-{p.ToShortString()}… file");
                }
            }
            var r = await PackRepair.RunAsync(repo, packs, say, ct);
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new { message_type = "repair_packs", packs = r.Packs, blobs_salvaged = r.BlobsSalvaged, blobs_lost = r.BlobsLost });
            else if (!pr.GetValue(GlobalOptions.Quiet))
            {
                Console.WriteLine($"done: {r.BlobsSalvaged} blob(s) salvaged, {r.BlobsLost} lost");
                Console.Error.WriteLine("Use 'coffre repair snapshots --forget' to remove the corrupted data blobs from all snapshots");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
