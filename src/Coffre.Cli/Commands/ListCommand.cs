using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Jobs;
using Coffre.Maintenance.Copy;

namespace Coffre.Cli.Commands;

internal static class ListCommand
{
    public static Command Create()
    {
        var dest = new Option<string?>("--dest") { Description = "List the backups in this repository (or configured copy, by name or location) instead of the configured one" };
        var cmd = new Command("list", "List the application's backups, newest first, and which copies hold each") { dest };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.Load(pr);
            var manager = new BackupManager(config, TimeProvider.System);
            var backups = await manager.ListBackupsAsync(pr.GetValue(dest), ct);
            // Where each backup also exists: every copy of coffre.json, matched on the copies' "original" field. A
            // copy that cannot be read is named, the list still printed.
            var copies = pr.GetValue(dest) is null ? await CopyHoldings.ReadAsync(config, null, ct) : [];
            if (pr.GetValue(GlobalOptions.Json))
            {
                JsonText.Print(backups.Select(b => new
                {
                    id = b.Id.ToString(), date = b.Stamp, time = b.Time, size = b.Size, status = b.Metadata?.Status ?? "unknown", tags = b.Tags, metadata = b.Metadata,
                    copies = copies.Select(c => new { name = c.Label, location = c.Location, snapshot_id = c.CopyOf(b.Id)?.ToString(), error = c.Error }),
                }));
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
                if (copies.Count > 0) Console.WriteLine($"{"",-9} {WhereText(b, copies)}");
            }
            Console.WriteLine($"{backups.Count} backup(s) of {manager.Application}");
            foreach (var c in copies.Where(c => c.Error is not null))
                Console.Error.WriteLine($"coffre: warning: copy {c.Label} cannot be read, so the list does not say which backups it holds: {c.Error}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary><c>copies: usb (1a2b3c4d); not in: nas; unknown: s3 (unreachable)</c></summary>
    private static string WhereText(BackupInfo b, IReadOnlyList<CopyHolding> copies)
    {
        var parts = new List<string>();
        var holding = copies.Where(c => c.Error is null && c.CopyOf(b.Id) is not null).Select(c => $"{c.Label} ({c.CopyOf(b.Id)!.Value.ToShortString()})").ToList();
        var missing = copies.Where(c => c.Error is null && c.CopyOf(b.Id) is null).Select(c => c.Label).ToList();
        var unknown = copies.Where(c => c.Error is not null).Select(c => $"{c.Label} (unreachable)").ToList();
        parts.Add("copies: " + (holding.Count > 0 ? string.Join(", ", holding) : "none"));
        if (missing.Count > 0) parts.Add("not in: " + string.Join(", ", missing));
        if (unknown.Count > 0) parts.Add("unknown: " + string.Join(", ", unknown));
        return string.Join("; ", parts);
    }
}
