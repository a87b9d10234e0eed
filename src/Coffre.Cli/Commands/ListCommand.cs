using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Jobs;

namespace Coffre.Cli.Commands;

internal static class ListCommand
{
    public static Command Create()
    {
        var dest = new Option<string?>("--dest") { Description = "List the backups in this repository instead of the configured one" };
        var cmd = new Command("list", "List the application's backups, newest first") { dest };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var manager = new BackupManager(AppConfig.Load(pr), TimeProvider.System);
            var backups = await manager.ListBackupsAsync(pr.GetValue(dest), ct);
            if (pr.GetValue(GlobalOptions.Json))
            {
                JsonText.Print(backups.Select(b => new { id = b.Id.ToString(), date = b.Stamp, time = b.Time, size = b.Size, status = b.Metadata?.Status ?? "unknown", tags = b.Tags, metadata = b.Metadata }));
                return ExitCodes.Ok;
            }
            Console.WriteLine($"{"ID",-9} {"Date",-15} {"Size",10}  {"Status",-11} Contents");
            foreach (var b in backups)
            {
                var contents = b.Metadata is { } m
                    ? string.Join(", ", m.Databases.Select(d => $"db {d.Name}").Concat(m.Media.Select(x => $"media {x.Name} ({x.Files} files)")))
                    : "(metadata.json unreadable)";
                var status = b.IsSafetySnapshot ? "pre-restore" : b.Metadata?.Status ?? "unknown";
                Console.WriteLine($"{b.Id.ToShortString(),-9} {b.Stamp,-15} {Units.Bytes(b.Size),10}  {status,-11} {contents}");
            }
            Console.WriteLine($"{backups.Count} backup(s) of {manager.Application}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
