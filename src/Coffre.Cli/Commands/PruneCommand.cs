using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Maintenance;
using Coffre.Maintenance.Prune;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

internal static class PruneCommand
{
    public static Command Create()
    {
        var maxUnused = new Option<string>("--max-unused") { Description = "Unused data tolerated afterwards: a share (5%), a size (100M) or 'unlimited'", DefaultValueFactory = _ => "5%" };
        var maxRepack = new Option<string?>("--max-repack-size") { Description = "Repack at most this much (e.g. 500M; 0: only delete whole unused packs)" };
        var repackSmall = new Option<bool>("--repack-small") { Description = "Also gather packs below 80% of the target pack size" };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only print what would be deleted and repacked" };
        var cmd = new Command("prune", "Delete data no snapshot needs and repack partly used packs") { maxUnused, maxRepack, repackSmall, dryRun };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var options = new PruneOptions
            {
                MaxUnused = UnusedLimit.Parse(pr.GetValue(maxUnused)!)
                    ?? throw new CoffreException($"--max-unused {pr.GetValue(maxUnused)}: give a share below 100% (5%), a size (100M) or 'unlimited'"),
                MaxRepackBytes = pr.GetValue(maxRepack) is { } m
                    ? ByteSize.Parse(m) ?? throw new CoffreException($"--max-repack-size {m}: give a size, e.g. 500M or 2G")
                    : null,
                RepackSmall = pr.GetValue(repackSmall),
            };
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var dry = pr.GetValue(dryRun);
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            if (!dry) repo.EnsureWritable();
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            var pruner = new Pruner(repo);
            var plan = await pruner.PlanAsync(options, ct);
            var (needed, available) = await pruner.SpaceAsync(plan, ct);
            if (available is null && needed > 0 && !json && !quiet) Console.Error.WriteLine($"coffre: {DiskSpace.Unknown(repo.Backend.Location)}");
            if (!json && !quiet) PruneReport.PrintPlan(plan, needed, available, dry);
            if (!dry && plan.HasWork)
                await pruner.ExecuteAsync(plan, json || quiet ? null : PruneReport.PrintStep, ct);
            if (json) PruneReport.PrintJson(plan, needed, available, dry);
            else if (!quiet) Console.WriteLine(!plan.HasWork ? "nothing to do" : dry ? "dry run: nothing was changed" : $"done: {Units.Bytes(plan.Stats.FreedBytes)} freed");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
