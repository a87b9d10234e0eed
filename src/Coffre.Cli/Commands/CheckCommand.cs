using System.CommandLine;
using System.Globalization;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Maintenance;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create()
    {
        var readData = new Option<bool>("--read-data") { Description = "Also read and verify every pack (every blob's MAC and hash)" };
        var subset = new Option<string?>("--read-data-subset") { Description = "Read and verify this share of the packs, e.g. 10%" };
        var cmd = new Command("check", "Verify the repository's integrity") { readData, subset };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            double? pct = null;
            if (pr.GetValue(subset) is { } s)
            {
                if (!double.TryParse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || v > 100)
                    throw new CoffreException($"--read-data-subset {s}: give a percentage between 0 and 100, e.g. 10%");
                pct = v;
            }
            CheckReport report;
            await using (var _ = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, ct))
                report = await new Checker(repo).CheckAsync(new CheckOptions { ReadData = pr.GetValue(readData), ReadDataSubsetPercent = pct }, ct);
            RunContext.Current.Problem = report.Problem;
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new
                {
                    message_type = "check",
                    ok = report.Ok,
                    snapshots = report.Snapshots,
                    packs = report.Packs,
                    packs_read = report.PacksRead,
                    trees = report.Trees,
                    errors = report.Errors,
                    hints = report.Hints,
                    error_count = report.Errors.Count,
                    damaged_packs = report.DamagedPacks.Select(d => new { pack = d.Pack.ToString(), reason = d.Reason, affected = d.AffectedFiles, affected_count = d.AffectedCount }),
                    damaged_snapshots = report.DamagedSnapshots.Select(d => new { snapshot = d.Snapshot.ToString(), path_count = d.PathCount, paths = d.Paths }),
                });
            else
            {
                foreach (var h in report.Hints) Console.WriteLine($"hint: {h}");
                foreach (var e in report.Errors) Console.Error.WriteLine($"error: {e}");
                foreach (var d in report.DamagedPacks)
                {
                    foreach (var f in d.AffectedFiles) Console.Error.WriteLine($"  damaged pack {d.Pack.ToShortString()} affects {f}");
                    if (d.AffectedCount > d.AffectedFiles.Count) Console.Error.WriteLine($"  damaged pack {d.Pack.ToShortString()} affects {d.AffectedCount - d.AffectedFiles.Count} more path(s)");
                }
                foreach (var d in report.DamagedSnapshots)
                {
                    Console.Error.WriteLine($"damaged snapshot {d.Snapshot.ToShortString()}: {d.PathCount} path(s) cannot be restored:");
                    foreach (var p in d.Paths) Console.Error.WriteLine($"  {p}");
                    if (d.PathCount > d.Paths.Count) Console.Error.WriteLine($"  ... and {d.PathCount - d.Paths.Count} more");
                }
                if (!report.Ok)
                    Console.Error.WriteLine(report.DamagedPacks.Count > 0
                        ? "to repair: 'coffre repair index' (missing packs), 'coffre repair packs ID...' (damaged packs), then 'coffre repair snapshots' (docs/repair.md); a new backup stores damaged data again"
                        : "see docs/repair.md");
                if (!pr.GetValue(GlobalOptions.Quiet))
                    Console.WriteLine(report.Summary ?? $"{report.Errors.Count} error(s) found: the repository is damaged");
            }
            RunContext.Current.Checked = report.Summary; // journaled like the service's check
            return report.Ok ? ExitCodes.Ok : ExitCodes.Fatal;
        });
        return cmd;
    }
}
