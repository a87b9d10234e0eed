using System.CommandLine;
using Coffre.Cli.Output;

namespace Coffre.Cli.Commands;

internal static class SnapshotsCommand
{
    public static Command Create()
    {
        var cmd = new Command("snapshots", "List the snapshots (oldest first)");
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenReaderAsync(pr, ct, loadIndex: false);
            var damaged = new List<string>();
            var list = await repo.LoadSnapshotsAsync(ct, damaged);
            foreach (var d in damaged) Console.Error.WriteLine($"coffre: warning: {d}; run 'coffre check'");
            // What the last check on this machine found (docs/repair.md): a cache, so it is named as such.
            var lost = repo.Damage.DamagedSnapshots.ToDictionary(d => d.Snapshot, d => d);
            if (pr.GetValue(GlobalOptions.Json))
            {
                JsonText.Print(list.Select(s => new
                {
                    id = s.Id.ToString(),
                    short_id = s.Id.ToShortString(),
                    time = s.Snapshot.Time.ToRfc3339Nano(),
                    hostname = s.Snapshot.Hostname,
                    username = s.Snapshot.Username,
                    tags = s.Snapshot.Tags,
                    paths = s.Snapshot.Paths,
                    tree = s.Snapshot.Tree.ToString(),
                    parent = s.Snapshot.Parent?.ToString(),
                    size = s.Snapshot.Summary?.TotalBytesProcessed,
                    damaged = lost.ContainsKey(s.Id.ToString()),
                }));
                return ExitCodes.Ok;
            }
            Console.WriteLine($"{"ID",-9} {"Time",-19} {"Host",-15} {"Tags",-15} {"Size",10}  Paths");
            Console.WriteLine(new string('-', 90));
            foreach (var s in list)
            {
                var sn = s.Snapshot;
                var size = sn.Summary is { } sum ? Units.Bytes(sum.TotalBytesProcessed) : "";
                var first = true;
                foreach (var path in sn.Paths.DefaultIfEmpty(""))
                {
                    Console.WriteLine(first
                        ? $"{s.Id.ToShortString(),-9} {sn.Time.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm:ss} {Trim(sn.Hostname, 15),-15} {Trim(string.Join(",", sn.Tags ?? []), 15),-15} {size,10}  {path}"
                        : $"{"",-9} {"",-19} {"",-15} {"",-15} {"",10}  {path}");
                    first = false;
                }
            }
            Console.WriteLine(new string('-', 90));
            Console.WriteLine($"{list.Count} snapshots");
            var shown = list.Where(s => lost.ContainsKey(s.Id.ToString())).Select(s => lost[s.Id.ToString()]).ToList();
            if (shown.Count > 0)
                Console.WriteLine($"damaged according to the check of {shown.Max(d => d.At).ToLocalTime():yyyy-MM-dd HH:mm}: "
                    + string.Join(", ", shown.Select(d => $"{d.Snapshot[..8]} ({d.Paths} path(s) lost)")) + "; see 'coffre check' and docs/repair.md");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
