using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>`coffre backup` of an application applies coffre.json's retention to that application's backups afterwards.</summary>
public class BackupRotationTests
{
    private static (string App, string Repo, CoffreRunner Coffre) Application(TestDirectory dir, string retention)
    {
        var app = dir.CreateSub("app");
        Directory.CreateDirectory(Path.Combine(app, "media"));
        File.WriteAllText(Path.Combine(app, "media", "photo.jpg"), "jpeg");
        File.WriteAllText(Path.Combine(app, "coffre.json"), $$"""
            { "application": "shop",
              "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
              "media": [ { "path": "media" } ],
              "retention": {{retention}} }
            """);
        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Ok("init");
        return (app, Path.Combine(app, "repo"), coffre);
    }

    [Fact]
    public async Task Each_backup_rotates_the_applications_backups_safety_snapshots_included()
    {
        using var dir = new TestDirectory("rotate");
        var (_, repo, coffre) = Application(dir, """{ "keepWithinDays": 0, "last": 2 }""");
        var first = coffre.Json("backup");
        Assert.Empty(first.GetProperty("rotation").GetProperty("removed").EnumerateArray());
        var tree = BlobId.Parse(coffre.Snapshots()[0].GetProperty("tree").GetString()!);
        var host = Posix.GetHostName();
        var old = await SnapshotFiles.WriteAsync(repo, [
            SnapshotFiles.Make(tree, "2020-01-01T10:00:00Z", host, ["coffre", "app:shop", "pre-restore"]),
            SnapshotFiles.Make(tree, "2020-01-02T10:00:00Z", host, ["coffre", "app:shop"]),
        ]);
        var otherApp = await SnapshotFiles.WriteAsync(repo, [SnapshotFiles.Make(tree, "2019-01-01T10:00:00Z", host, ["coffre", "app:blog"])]);
        var otherHost = await SnapshotFiles.WriteAsync(repo, [SnapshotFiles.Make(tree, "2019-01-01T10:00:00Z", "web9", ["coffre", "app:shop"])]);

        var second = coffre.Ok("backup").StdOut;
        Assert.Contains("rotation (keep 2 latest snapshots): removed 2 backup(s), kept 2", second, StringComparison.Ordinal);
        Assert.Contains(old[0][..8], second, StringComparison.Ordinal);
        Assert.Contains(old[1][..8], second, StringComparison.Ordinal);
        Assert.Contains("coffre prune", second, StringComparison.Ordinal);
        Assert.Equal(4, RepoInspector.Snapshots(repo).Count); // 2 of shop on this host, blog's, web9's

        var third = coffre.Json("backup");
        var removed = Assert.Single(third.GetProperty("rotation").GetProperty("removed").EnumerateArray()).GetString();
        Assert.Equal(first.GetProperty("snapshot_id").GetString(), removed);
        var left = RepoInspector.Snapshots(repo);
        Assert.Contains(third.GetProperty("snapshot_id").GetString(), left);
        Assert.Contains(otherApp[0], left);
        Assert.Contains(otherHost[0], left);

        coffre.Ok("backup", "--no-rotate");
        Assert.Equal(5, RepoInspector.Snapshots(repo).Count);
        Assert.Empty(RepoInspector.Locks(repo));
        Restic.AssertCheckReadData(repo);
    }

    [Fact]
    public async Task Rotation_never_removes_the_backup_just_made()
    {
        using var dir = new TestDirectory("rotate-protect");
        var (_, repo, coffre) = Application(dir, """{ "keepWithinDays": 0, "last": 1 }""");
        coffre.Ok("backup", "--no-rotate");
        var tree = BlobId.Parse(coffre.Snapshots()[0].GetProperty("tree").GetString()!);
        // A backup dated an hour ahead (another machine's clock): "last 1" alone would keep only that one.
        var ahead = GoTime.FromDateTimeOffset(DateTimeOffset.Now.AddHours(1)).ToRfc3339Nano();
        var future = await SnapshotFiles.WriteAsync(repo, [SnapshotFiles.Make(tree, ahead, Posix.GetHostName(), ["coffre", "app:shop"])]);

        var made = coffre.Json("backup");
        var left = RepoInspector.Snapshots(repo);
        Assert.Equal(2, left.Count);
        Assert.Contains(made.GetProperty("snapshot_id").GetString(), left);
        Assert.Contains(future[0], left);
    }
}
