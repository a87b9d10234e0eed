using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>`coffre forget` for real: files removed as restic would, refusals that remove nothing, the config's retention, locks.</summary>
public class ForgetCliTests
{
    private static readonly string[] AppShop = ["coffre", "app:shop"];

    private static async Task<(string Repo, CoffreRunner Coffre, BlobId Tree, string Seed)> RepositoryAsync(TestDirectory dir)
    {
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "forget me not\n");
        var seed = coffre.Backup(src, "--host", "seed").SnapshotId;
        await Task.CompletedTask;
        return (repo, coffre, BlobId.Parse(coffre.Snapshots()[0].GetProperty("tree").GetString()!), seed);
    }

    private static List<string> Ids(JsonElement list) => list.ValueKind == JsonValueKind.Null ? [] : [.. list.EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Forget_removes_the_snapshots_restic_would_and_leaves_a_sound_repository()
    {
        using var dir = new TestDirectory("forget-real");
        var (repo, coffre, tree, seed) = await RepositoryAsync(dir);
        var times = Enumerable.Range(0, 40).Select(i => new DateTimeOffset(2021, 1, 1, 9, 0, 0, TimeSpan.FromHours(1)).AddHours(i * 17)).ToList();
        await SnapshotFiles.WriteAsync(repo, times.Select(t => SnapshotFiles.Make(tree, GoTime.FromDateTimeOffset(t).ToRfc3339Nano(), "web1", AppShop)));
        string[] policy = ["--keep-daily", "5", "--keep-weekly", "3", "--keep-last", "2"];

        var restic = new ResticRunner(repo) { Environment = { ["TZ"] = "Europe/Paris" } };
        using var plan = JsonDocument.Parse(restic.Ok(["forget", "--dry-run", "--json", "--host", "web1", .. policy]).StdOut);
        var expectedKeep = Ids(plan.RootElement[0].GetProperty("keep"));
        var expectedRemove = Ids(plan.RootElement[0].GetProperty("remove"));
        Assert.NotEmpty(expectedRemove);

        coffre.Environment["TZ"] = "Europe/Paris";
        var run = coffre.Ok(["forget", "--host", "web1", .. policy]);
        Assert.Contains($"Removed {expectedRemove.Count} snapshot(s), kept {expectedKeep.Count}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("coffre prune", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("weekly snapshot", run.StdOut, StringComparison.Ordinal); // each kept snapshot with its reasons

        Assert.Equal([.. expectedKeep.Append(seed).Order()], RepoInspector.Snapshots(repo).Order());
        Assert.Empty(RepoInspector.Locks(repo));
        restic.AssertCheckReadData();
    }

    [Fact]
    public async Task Dry_run_removes_nothing_and_json_names_each_kept_snapshots_reasons()
    {
        using var dir = new TestDirectory("forget-dry");
        var (repo, coffre, tree, _) = await RepositoryAsync(dir);
        await SnapshotFiles.WriteAsync(repo, [
            SnapshotFiles.Make(tree, "2021-05-03T10:00:00+02:00", "web1", AppShop),
            SnapshotFiles.Make(tree, "2021-05-02T10:00:00+02:00", "web1", [.. AppShop, "pre-restore"]),
            SnapshotFiles.Make(tree, "2021-05-01T10:00:00+02:00", "web1", AppShop),
        ]);
        var before = RepoInspector.Snapshots(repo);
        var groups = coffre.Json("forget", "--dry-run", "--keep-last", "1", "--keep-tag", "pre-restore", "--host", "web1");
        Assert.Equal(before, RepoInspector.Snapshots(repo));
        var g = Assert.Single(groups.EnumerateArray());
        Assert.Equal("shop", g.GetProperty("application").GetString());
        Assert.Equal(["app:shop"], g.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, g.GetProperty("keep").GetArrayLength());
        Assert.Equal("2021-05-01T10:00:00+02:00", Assert.Single(g.GetProperty("remove").EnumerateArray()).GetProperty("time").GetString());
        var reasons = g.GetProperty("reasons").EnumerateArray().Select(r => string.Join(";", r.GetProperty("matches").EnumerateArray().Select(m => m.GetString()))).ToList();
        Assert.Equal(["last snapshot", "has tags [pre-restore]"], reasons);

        var text = coffre.Ok("forget", "-n", "--keep-last", "1", "--host", "web1").StdOut;
        Assert.Contains("would remove 2 snapshot(s)", text, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing was removed", text, StringComparison.Ordinal);
        Assert.Equal(before, RepoInspector.Snapshots(repo));
    }

    [Fact]
    public async Task A_policy_that_would_remove_a_whole_group_is_refused_unless_allow_empty()
    {
        using var dir = new TestDirectory("forget-empty");
        var (repo, coffre, tree, _) = await RepositoryAsync(dir);
        await SnapshotFiles.WriteAsync(repo, [
            SnapshotFiles.Make(tree, "2021-05-03T10:00:00Z", "web1", [.. AppShop, "pre-restore"]),
            SnapshotFiles.Make(tree, "2021-05-02T10:00:00Z", "web1", AppShop),
        ]);
        var before = RepoInspector.Snapshots(repo);
        // A misspelt tag keeps nothing in the seed's group (and the shop's group would lose its untagged one only).
        Errors.AssertOneLine(coffre.Run("forget", "--keep-tag", "pre-restre"), 1, "refusing to remove all", "--allow-empty", "nothing was removed");
        Errors.AssertOneLine(coffre.Run("forget", "--dry-run", "--keep-tag", "pre-restre"), 1, "refusing");
        Assert.Equal(before, RepoInspector.Snapshots(repo));
        Assert.Empty(RepoInspector.Locks(repo));

        coffre.Ok("forget", "--keep-tag", "pre-restore", "--allow-empty");
        var left = Assert.Single(RepoInspector.Snapshots(repo));
        Assert.Contains("pre-restore", coffre.Snapshots().Single().GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(left, before);
    }

    [Fact]
    public async Task Without_a_policy_or_with_a_bad_one_forget_says_what_to_do()
    {
        using var dir = new TestDirectory("forget-nopolicy");
        var (repo, coffre, _, _) = await RepositoryAsync(dir);
        var before = RepoInspector.Snapshots(repo);
        Errors.AssertOneLine(coffre.Run("forget"), 1, "no retention policy", "--keep-", "coffre.json");
        Errors.AssertOneLine(coffre.Run("forget", "--keep-within", "2w"), 1, "invalid duration '2w'", "1y2m3d4h");
        Errors.AssertOneLine(coffre.Run("forget", "--keep-daily", "-3"), 1, "negative");
        Errors.AssertOneLine(coffre.Run("forget", "--keep-last", "0"), 1, "no retention policy");
        Assert.Equal(before, RepoInspector.Snapshots(repo));
    }

    [Fact]
    public async Task Forget_needs_the_repository_to_itself()
    {
        using var dir = new TestDirectory("forget-lock");
        var (repo, coffre, tree, _) = await RepositoryAsync(dir);
        await SnapshotFiles.WriteAsync(repo, [SnapshotFiles.Make(tree, "2021-05-02T10:00:00Z", "web1", AppShop), SnapshotFiles.Make(tree, "2021-05-01T10:00:00Z", "web1", AppShop)]);
        var before = RepoInspector.Snapshots(repo);
        await Scenarios.WriteLockAsync(repo, exclusive: false, hostname: "otherhost", pid: 1); // e.g. a backup running there

        Errors.AssertOneLine(coffre.Run("forget", "--keep-last", "1"), 11, "locked");
        Assert.Equal(before, RepoInspector.Snapshots(repo));
        coffre.Ok("forget", "--dry-run", "--keep-last", "1"); // a dry run only reads

        coffre.Ok("unlock", "--remove-all");
        coffre.Ok("forget", "--keep-last", "1");
        Assert.Equal(2, RepoInspector.Snapshots(repo).Count); // the seed's and the newest shop backup
    }

    [Fact]
    public async Task With_a_configuration_forget_applies_its_retention_to_that_application_only()
    {
        using var dir = new TestDirectory("forget-config");
        var (repo, coffre, tree, seed) = await RepositoryAsync(dir);
        var shop = await SnapshotFiles.WriteAsync(repo, [
            SnapshotFiles.Make(tree, "2021-05-20T10:00:00Z", "web1", AppShop),
            SnapshotFiles.Make(tree, "2021-05-19T10:00:00Z", "web1", AppShop),
            SnapshotFiles.Make(tree, "2021-05-01T10:00:00Z", "web1", AppShop),
        ]);
        var blog = await SnapshotFiles.WriteAsync(repo, [SnapshotFiles.Make(tree, "2020-01-01T10:00:00Z", "web1", ["coffre", "app:blog"])]);
        var app = dir.CreateSub("app");
        Directory.CreateDirectory(Path.Combine(app, "media"));
        File.WriteAllText(Path.Combine(app, "coffre.json"), $$"""
            { "application": "shop",
              "repository": { "path": "{{repo}}", "passwordEnv": "COFFRE_PASSWORD" },
              "media": [ { "path": "media" } ],
              "retention": { "keepWithinDays": 7 } }
            """);
        var inApp = new CoffreRunner(null) { WorkingDirectory = app };
        var text = inApp.Ok("forget").StdOut;
        Assert.Contains("keep all snapshots within 7d of the newest", text, StringComparison.Ordinal);
        Assert.Equal([.. new[] { shop[0], shop[1], blog[0], seed }.Order()], RepoInspector.Snapshots(repo).Order());
    }
}
