using System.CommandLine;
using System.Diagnostics;
using Coffre.Archiver;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Archives;

namespace Coffre.Cli.Commands;

/// <summary>`coffre import FILE.tar.gz`: an archive (Coffre's export, or the old script's) as a snapshot of the configured application.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The archive (FILE.tar.gz); FILE.tar.gz.json beside it is checked first" };
        var other = new Option<bool>("--allow-other-application") { Description = "Import a Coffre archive made for another application than the configuration's" };
        var cmd = new Command("import", "Store a .tar.gz archive (from 'coffre export' or the old backup script) as a backup of the configured application") { file, other };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.Load(pr);
            RunContext.Current.ForApplication(config, RepositoryOpener.GivenLocation(pr));
            var path = pr.GetValue(file)!;
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            // The hash first: a damaged archive is refused before anything is written.
            if (await ArchiveSidecar.VerifyAsync(path, ct) is null)
                Console.Error.WriteLine($"coffre: warning: no {Path.GetFileName(ArchiveSidecar.PathFor(path))} beside {path}: its integrity cannot be checked against the hash recorded when it was made");
            var repo = await RepositoryOpener.OpenAsync(pr, ct);
            repo.EnsureIndexComplete();
            var progress = new BackupProgress();
            var clock = Stopwatch.StartNew();
            ImportResult result;
            await using (new StatusLine(() => $"[{Units.Duration(clock.Elapsed)}] {progress.FilesDone} files {Units.Bytes(progress.BytesDone)}, {Units.Rate(progress.BytesDone, clock.Elapsed)}", enabled: !json && !quiet))
                result = await ArchiveImporter.ImportAsync(repo, config, path, TimeProvider.System, new ImportOptions { AllowOtherApplication = pr.GetValue(other) }, progress, ct);
            foreach (var w in result.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
            RunContext.Current.Backup(result.Backup);
            var m = result.Metadata;
            if (json)
                JsonText.Print(new
                {
                    message_type = "summary",
                    snapshot_id = result.Backup.SnapshotId.ToString(),
                    application = m.Application,
                    date = ArchiveTime.Stamp(result.Time, TimeZoneInfo.Local),
                    time = result.Time,
                    source = result.FromCoffre ? "coffre" : "legacy",
                    sha256 = result.Sha256,
                    sidecar_verified = result.SidecarVerified,
                    databases = m.Databases.Select(d => new { d.Name, d.Engine, d.File, d.Size }),
                    media = m.Media,
                    data_added = result.Backup.Summary.DataAdded,
                    total_duration = clock.Elapsed.TotalSeconds,
                });
            else if (!quiet)
            {
                foreach (var d in m.Databases) Console.WriteLine($"database {d.Name} ({d.Engine}): {d.File}, {Units.Bytes(d.Size)}");
                foreach (var md in m.Media) Console.WriteLine($"media {md.Name}: {md.Files} files, {Units.Bytes(md.Bytes)}");
                Console.WriteLine($"imported {Path.GetFileName(path)} as backup {result.Backup.SnapshotId.ToShortString()} of {m.Application} ({ArchiveTime.Stamp(result.Time, TimeZoneInfo.Local)}), {Units.Bytes(result.Backup.Summary.DataAdded)} added");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
