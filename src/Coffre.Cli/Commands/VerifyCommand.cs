using System.CommandLine;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Jobs;

namespace Coffre.Cli.Commands;

/// <summary>`coffre verify [SNAPSHOT]`: reads one application backup back in full (the old script's --verify, done properly).</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "'latest' (default), an ID, or a backup's YYYYMMDD_HHMMSS", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "latest" };
        var dest = new Option<string?>("--dest") { Description = "Verify a backup of this repository instead of the configured one" };
        var cmd = new Command("verify", "Read one backup of the application back in full: every blob's MAC and SHA-256, dump sizes against metadata.json") { snapshot, dest };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.Load(pr);
            RunContext.Current.ForApplication(config, pr.GetValue(dest));
            var manager = new BackupManager(config, TimeProvider.System);
            var result = await manager.VerifyAsync(pr.GetValue(snapshot)!, pr.GetValue(dest), ct);
            RunContext.Current.Snapshot(result.SnapshotId, processed: result.Bytes, files: result.Files);
            RunContext.Current.Checked = $"{result.Files} files, {result.Bytes} bytes read back";
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new { message_type = "verify", snapshot_id = result.SnapshotId.ToString(), ok = result.Ok, files = result.Files, bytes = result.Bytes, problems = result.Problems });
            else if (!pr.GetValue(GlobalOptions.Quiet))
            {
                foreach (var p in result.Problems) Console.WriteLine($"  problem: {p}");
                Console.WriteLine($"backup {result.SnapshotId.ToShortString()}: {result.Files} files, {Units.Bytes(result.Bytes)} read back, {(result.Ok ? "intact" : "DAMAGED")}");
            }
            if (!result.Ok) throw new CoffreException($"backup {result.SnapshotId.ToShortString()} is damaged: {result.Problems[0]}; run 'coffre check --read-data'");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
