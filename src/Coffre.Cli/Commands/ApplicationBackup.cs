using System.CommandLine;
using System.Diagnostics;
using Coffre.Archiver;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Jobs;
using Coffre.Jobs.Service;

namespace Coffre.Cli.Commands;

/// <summary>`coffre backup` with a configuration: the application's databases and media as one snapshot.</summary>
internal static class ApplicationBackup
{
    public static async Task<int> RunAsync(ParseResult pr, string? destination, CancellationToken ct)
    {
        var config = AppConfig.Load(pr);
        RunContext.Current.ForApplication(config, destination);
        return await JobTurn.RunAsync(config, "backup", c => RunTurnAsync(pr, config, destination, c), ct);
    }

    private static async Task<int> RunTurnAsync(ParseResult pr, Configuration.CoffreConfig config, string? destination, CancellationToken ct)
    {
        var manager = new BackupManager(config, TimeProvider.System) { CheckFreeSpace = !pr.GetValue<bool>(BackupCommand.NoSpaceCheck) };
        var json = pr.GetValue(GlobalOptions.Json);
        var quiet = pr.GetValue(GlobalOptions.Quiet);
        var progress = new BackupProgress { Notice = m => Console.Error.WriteLine($"coffre: {m}") };
        var clock = Stopwatch.StartNew();
        BackupJobResult job;
        await using (new StatusLine(() => $"[{Units.Duration(clock.Elapsed)}] {progress.FilesDone} files {Units.Bytes(progress.BytesDone)}, {Units.Rate(progress.BytesDone, clock.Elapsed)}", enabled: !json && !quiet))
            job = await ApplicationJobs.BackupAsync(manager, RunContext.Current, destination, pr.GetValue(BackupRotation.NoRotate) ? "--no-rotate" : null, progress,
                warning => Console.Error.WriteLine($"coffre: {warning}"), _ => { }, ct);
        var result = job.Backup;
        var rotation = new BackupRotation(job.Rotation);
        var m = result.Metadata;
        if (json)
            JsonText.Print(new
            {
                message_type = "summary",
                snapshot_id = result.Backup.SnapshotId.ToString(),
                application = m.Application,
                status = m.Status,
                databases = m.Databases.Select(d => new { d.Name, d.Engine, d.Size, tables = d.Tables.Count }),
                media = m.Media,
                data_added = result.Backup.Summary.DataAdded,
                data_added_packed = result.Backup.Summary.DataAddedPacked,
                total_duration = clock.Elapsed.TotalSeconds,
                rotation = rotation.ToJson(),
                copies = result.Copies.Select(c => new { location = c.Location, snapshot_id = c.Snapshot?.ToString(), error = c.Error }),
            });
        else if (!quiet)
        {
            foreach (var d in m.Databases)
                Console.WriteLine($"database {d.Name} ({d.Engine} {d.ServerVersion}): {Units.Bytes(d.Size)}, {d.Tables.Count} tables, {d.Tables.Values.Sum()} rows");
            foreach (var md in m.Media)
                Console.WriteLine($"media {md.Name}: {md.Files} files, {Units.Bytes(md.Bytes)}");
            Console.WriteLine($"Added {Units.Bytes(result.Backup.Summary.DataAdded)} ({Units.Bytes(result.Backup.Summary.DataAddedPacked)} stored) in {Units.Duration(clock.Elapsed)}");
            Console.WriteLine($"backup {result.Backup.SnapshotId.ToShortString()} of {m.Application} saved ({m.Status})");
            rotation.Print(quiet);
            foreach (var c in result.Copies.Where(c => !c.Failed))
                Console.WriteLine($"copy {c.Location}: {(c.Result?.Copied.Count > 0 ? "copied" : "already there")} as {c.Snapshot?.ToShortString()}, {Units.Bytes(c.Result?.BytesStored ?? 0)} stored");
        }
        return job.ExitCode;
    }
}
