using System.Text.Json.Nodes;
using Coffre.Maintenance.Retention;
using Coffre.Model.Json;
using Coffre.Repository;

namespace Coffre.Cli.Output;

/// <summary>Renders a forget result: a table per group (text), or restic's <c>forget --json</c> shape.</summary>
internal static class ForgetReport
{
    public static void Print(ForgetResult result, string? application)
    {
        Console.WriteLine($"Applying policy: {result.Policy}" + (application is null ? "" : $" (snapshots of {application})"));
        foreach (var g in result.Groups)
        {
            Console.WriteLine();
            Console.WriteLine(g.Key.ToString());
            var reasons = g.Decision.Reasons.ToDictionary(r => r.Snapshot.Id);
            if (g.Decision.Keep.Count > 0)
            {
                Console.WriteLine($"keep {g.Decision.Keep.Count} snapshot(s):");
                Console.WriteLine($"  {"ID",-9} {"Time",-19}  {"Tags",-28} Reasons");
                foreach (var s in g.Decision.Keep)
                {
                    var matches = reasons[s.Id].Matches;
                    Console.WriteLine($"  {Row(s)} {matches[0]}");
                    foreach (var m in matches.Skip(1)) Console.WriteLine($"  {"",-9} {"",-19}  {"",-28} {m}");
                }
            }
            if (g.Decision.Remove.Count > 0)
            {
                Console.WriteLine($"{(result.DryRun ? "would remove" : "remove")} {g.Decision.Remove.Count} snapshot(s):");
                foreach (var s in g.Decision.Remove) Console.WriteLine($"  {Row(s).TrimEnd()}");
            }
        }
        Console.WriteLine();
        Console.WriteLine(Summary(result));
    }

    /// <summary>The closing sentence: what was (or would be) removed, and that prune frees the space.</summary>
    public static string Summary(ForgetResult result) => result.RemoveCount == 0
        ? $"Nothing to remove: {result.KeepCount} snapshot(s) kept."
        : result.DryRun
            ? $"Would remove {result.RemoveCount} snapshot(s) and keep {result.KeepCount} (dry run: nothing was removed). After forgetting, 'coffre prune' frees the space only they use."
            : $"Removed {result.RemoveCount} snapshot(s), kept {result.KeepCount}. Their data stays in the repository until 'coffre prune' removes it.";

    public static string Row(SnapshotEntry s) =>
        $"{s.Id.ToShortString(),-9} {s.Snapshot.Time.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm:ss}  {Trim(string.Join(",", s.Snapshot.Tags ?? []), 28),-28}";

    /// <summary>restic's <c>forget --json</c>: one object per group with tags, host, paths, keep, remove and reasons.</summary>
    public static JsonArray ToJson(ForgetResult result)
    {
        var groups = new JsonArray();
        foreach (var g in result.Groups)
        {
            groups.Add(new JsonObject
            {
                ["tags"] = g.Key.Application is { } app ? new JsonArray(SnapshotGroupKey.AppTagPrefix + app) : null,
                ["host"] = g.Key.Host,
                ["paths"] = g.Key.Paths is { } paths ? new JsonArray([.. paths.Select(p => (JsonNode?)p)]) : null,
                ["application"] = g.Key.Application,
                ["keep"] = new JsonArray([.. g.Decision.Keep.Select(s => (JsonNode?)Snapshot(s))]),
                ["remove"] = new JsonArray([.. g.Decision.Remove.Select(s => (JsonNode?)Snapshot(s))]),
                ["reasons"] = new JsonArray([.. g.Decision.Reasons.Select(r => (JsonNode?)new JsonObject
                {
                    ["snapshot"] = Snapshot(r.Snapshot),
                    ["matches"] = new JsonArray([.. r.Matches.Select(m => (JsonNode?)m)]),
                    ["counters"] = Counters(r.Counters),
                })]),
            });
        }
        return groups;
    }

    /// <summary>The snapshot as restic stores it, plus <c>id</c> and <c>short_id</c>.</summary>
    private static JsonObject Snapshot(SnapshotEntry s)
    {
        var o = JsonNode.Parse(SnapshotJson.Serialize(s.Snapshot))!.AsObject();
        o["id"] = s.Id.ToString();
        o["short_id"] = s.Id.ToShortString();
        return o;
    }

    /// <summary>The counts left, zeros left out (restic's omitempty).</summary>
    private static JsonObject Counters(KeepCounters c)
    {
        var o = new JsonObject();
        foreach (var (name, n) in new[] { ("last", c.Last), ("hourly", c.Hourly), ("daily", c.Daily), ("weekly", c.Weekly), ("monthly", c.Monthly), ("yearly", c.Yearly) })
            if (n != 0) o[name] = n;
        return o;
    }

    private static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
