using System.CommandLine;
using System.Globalization;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Application.Drill;
using Coffre.Jobs.Service;

namespace Coffre.Cli.Commands;

/// <summary>`coffre drill`: restores a backup into scratch places and checks it, touching nothing in place.</summary>
internal static class DrillCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "'latest' (default), an ID, or a backup's YYYYMMDD_HHMMSS", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "latest" };
        var random = new Option<bool>("--random") { Description = "Test a backup picked at random" };
        var sample = new Option<string?>("--sample") { Description = "Share of the media files to restore and compare, e.g. 10% (default: drill.samplePercent of the configuration, 10%)" };
        var full = new Option<bool>("--full") { Description = "Restore and compare every media file" };
        var dest = new Option<string?>("--dest") { Description = "Test a backup of this repository instead of the configured one" };
        var cmd = new Command("drill", "Prove that a backup restores: databases into scratch databases, media into a temp folder, all compared with the backup") { snapshot, random, sample, full, dest };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.Load(pr);
            var manager = new BackupManager(config, TimeProvider.System);
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            var request = new DrillRequest
            {
                Snapshot = pr.GetValue(snapshot)!,
                Random = pr.GetValue(random),
                Full = pr.GetValue(full),
                SamplePercent = ParsePercent(pr.GetValue(sample)) ?? config.Drill.SamplePercent ?? DrillSection.DefaultSamplePercent,
                Destination = pr.GetValue(dest),
            };
            RunContext.Current.ForApplication(config, request.Destination);
            DrillResult result = null!;
            await JobTurn.RunAsync(config, "drill", async c =>
            {
                result = await ApplicationJobs.DrillAsync(manager, RunContext.Current, request, step => { if (!json && !quiet) Console.WriteLine($"  {step}"); }, c);
                return ExitCodes.Ok;
            }, ct);
            if (json) Print(result);
            else if (!quiet)
            {
                foreach (var d in result.Databases)
                    Console.WriteLine(d.Ok
                        ? $"database {d.Name} ({d.Engine}): restored into {d.Scratch} and dropped; " + (d.RowCountsRecorded ? $"{d.Tables} tables, {d.Rows} rows match the backup" : "no row counts recorded in this backup")
                        : $"database {d.Name} ({d.Engine}): FAILED: {d.Problem}");
                foreach (var m in result.Media)
                    Console.WriteLine(m.Ok
                        ? $"media {m.Name}: {m.FilesChecked} of {m.FilesInBackup} files ({Units.Bytes(m.BytesChecked)}) restored and identical to the backup"
                        : $"media {m.Name}: FAILED: {m.Problem}");
                Console.WriteLine($"drill of backup {result.SnapshotId.ToShortString()} ({result.Stamp}): {(result.Ok ? "ok" : "FAILED")} in {Units.Duration(result.Duration)}");
            }
            if (result.Failure is { } failure) throw new CoffreException(failure);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static double? ParsePercent(string? text)
    {
        if (text is null) return null;
        var t = text.Trim().TrimEnd('%');
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || v > 100)
            throw new CoffreException($"--sample {text}: give a percentage above 0 and at most 100, e.g. --sample 10%");
        return v;
    }

    private static void Print(DrillResult r) => JsonText.Print(new
    {
        message_type = "drill",
        snapshot_id = r.SnapshotId.ToString(),
        date = r.Stamp,
        ok = r.Ok,
        reasons = r.Reasons,
        databases = r.Databases.Select(d => new { name = d.Name, engine = d.Engine, scratch = d.Scratch, tables = d.Tables, rows = d.Rows, row_counts_recorded = d.RowCountsRecorded, ok = d.Ok, problem = d.Problem }),
        media = r.Media.Select(m => new { name = m.Name, files_in_backup = m.FilesInBackup, files_checked = m.FilesChecked, bytes_checked = m.BytesChecked, ok = m.Ok, problem = m.Problem }),
        duration = r.Duration.TotalSeconds,
    });
}
