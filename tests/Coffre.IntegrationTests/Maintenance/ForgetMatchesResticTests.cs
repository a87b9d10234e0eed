using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// <c>coffre forget --dry-run --json</c> decides exactly like <c>restic forget --dry-run --json</c> (restic 0.14, the
/// oracle) on the same ~500 snapshots, for many policies, with the time zone (TZ) set the same for both: the same
/// snapshots kept and removed in each group, in the same order, with the same reasons and counters.
/// </summary>
public class ForgetMatchesResticTests(RetentionOracleRepository oracle) : IClassFixture<RetentionOracleRepository>
{
    public static TheoryData<string> Zones => ["Europe/Paris", "Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"];

    private static readonly string[][] Policies =
    [
        ["--keep-last", "1"],
        ["--keep-last", "7"],
        ["--keep-hourly", "30"],
        ["--keep-daily", "10"],
        ["--keep-weekly", "8"],
        ["--keep-monthly", "6"],
        ["--keep-yearly", "3"],
        ["--keep-last", "2", "--keep-daily", "3", "--keep-weekly", "3", "--keep-monthly", "3", "--keep-yearly", "2"],
        ["--keep-within", "7d"],
        ["--keep-within", "1m"],
        ["--keep-within", "1y2m3d4h"],
        ["--keep-within", "3d12h"],
        ["--keep-within", "2h", "--keep-hourly", "5"],
        ["--keep-within-daily", "10d", "--keep-within-weekly", "2m"],
        ["--keep-within-hourly", "2d", "--keep-within-monthly", "1y", "--keep-within-yearly", "5y"],
        ["--keep-tag", "pre-restore", "--keep-daily", "2"],
        ["--keep-tag", "", "--keep-tag", "app:shop,pre-restore", "--keep-last", "1"],
        ["--keep-tag", "pre-restore"],
        ["--keep-within", "30d", "--keep-daily", "7", "--keep-weekly", "4", "--keep-monthly", "12"],
    ];

    [Theory]
    [MemberData(nameof(Zones))]
    public async Task Coffre_keeps_and_removes_exactly_what_restic_does(string zone)
    {
        foreach (var policy in Policies)
        {
            var coffre = new CoffreRunner(oracle.Path) { Environment = { ["TZ"] = zone } };
            var restic = new ResticRunner(oracle.Path) { Environment = { ["TZ"] = zone } };
            var ours = Task.Run(() => coffre.Run(["forget", "--dry-run", "--json", "--allow-empty", .. policy]));
            var theirs = Task.Run(() => restic.Run(["--no-lock", "forget", "--dry-run", "--json", "--group-by", "host", .. policy]));
            var (c, r) = (await ours, await theirs);
            Assert.True(c.ExitCode == 0, c.Describe());
            Assert.True(r.ExitCode == 0, r.Describe());
            var expected = Groups(r.StdOut);
            var actual = Groups(c.StdOut);
            var what = $"TZ={zone} forget {string.Join(' ', policy.Select(p => p.Length == 0 ? "''" : p))}";
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            Assert.Equal(oracle.Count, expected.Values.Sum(g => g.Keep.Count + g.Remove.Count));
            foreach (var (host, want) in expected)
            {
                var got = actual[host];
                AssertSame(want.Keep, got.Keep, $"{what}: kept in group {host}");
                AssertSame(want.Remove, got.Remove, $"{what}: removed in group {host}");
                AssertSame(want.Reasons, got.Reasons, $"{what}: reasons in group {host}");
            }
        }
    }

    private static void AssertSame(List<string> expected, List<string> actual, string what)
    {
        if (expected.SequenceEqual(actual)) return;
        var missing = expected.Except(actual).Take(5);
        var extra = actual.Except(expected).Take(5);
        Assert.Fail($"{what} differ from restic's ({expected.Count} vs {actual.Count})\nonly restic: {string.Join("\n  ", missing)}\nonly coffre: {string.Join("\n  ", extra)}");
    }

    private sealed record Group(List<string> Keep, List<string> Remove, List<string> Reasons);

    /// <summary>Groups by host; a snapshot is named by its time and tags (identical timestamps carry identical tags here).</summary>
    private static Dictionary<string, Group> Groups(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var groups = new Dictionary<string, Group>();
        foreach (var g in doc.RootElement.EnumerateArray())
        {
            var host = g.GetProperty("host").GetString()!;
            groups.Add(host, new Group(
                Snapshots(g.GetProperty("keep")),
                Snapshots(g.GetProperty("remove")),
                g.GetProperty("reasons").ValueKind == JsonValueKind.Null ? [] :
                [.. g.GetProperty("reasons").EnumerateArray().Select(r =>
                    $"{Name(r.GetProperty("snapshot"))} [{string.Join("; ", r.GetProperty("matches").EnumerateArray().Select(m => m.GetString()))}] " +
                    string.Join(",", r.GetProperty("counters").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetInt32()}")))]));
        }
        return groups;
    }

    private static List<string> Snapshots(JsonElement list) =>
        list.ValueKind == JsonValueKind.Null ? [] : [.. list.EnumerateArray().Select(Name)];

    private static string Name(JsonElement s) =>
        s.GetProperty("time").GetString() + " " +
        (s.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array ? string.Join(",", tags.EnumerateArray().Select(t => t.GetString())) : "");
}
