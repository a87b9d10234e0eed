using System.Text;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Restore;

/// <summary>
/// What an application restore touches: --database/--to-database restore that database only (never the media);
/// an in-place restore leaves a file its plan calls unchanged exactly as it is (same inode, never chmod-ed); a
/// database name from the backup's metadata.json is data, never a path.
/// </summary>
public class ApplicationRestoreScopeTests
{
    [Fact]
    public void Database_and_to_database_restore_the_database_only()
    {
        using var dir = new TestDirectory("db-only");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        var day = app.BackUpThenDamage();
        var copy = dir.Sub("copy.sqlite");

        var r = app.Coffre.Run("restore", "latest", "--database", "main", "--to-database", copy, "--force");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(day.Database, SqliteApp.Fingerprint(copy));
        Assert.Equal(day.DamagedMedia, SqliteApp.Listing(app.Media)); // the newer upload and the changed photo stay
        Assert.Equal(day.DamagedDatabase, SqliteApp.Fingerprint(app.Database));
        Assert.DoesNotContain("media", r.StdOut.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)), StringComparer.Ordinal);
    }

    [Fact]
    public void An_in_place_restore_never_touches_a_file_its_plan_calls_unchanged()
    {
        using var dir = new TestDirectory("unchanged");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        var day = app.BackUpThenDamage();
        var big = UnixPath.FromString(Path.Combine(app.Media, "uploads", "big.bin"));
        var before = Posix.LStat(big);

        var r = app.Coffre.Run("restore", "latest", "--only", "media", "--force");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(day.Uploads, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));
        var after = Posix.LStat(big);
        Assert.Equal(before.Inode, after.Inode);       // not unlinked and written again
        Assert.Equal(before.ChangeTime, after.ChangeTime); // not chmod-ed, chown-ed or rewritten
    }

    [Fact]
    public async Task A_database_name_from_metadata_json_never_becomes_a_path()
    {
        using var dir = new TestDirectory("meta-name");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        app.Coffre.Ok("backup");
        var forged = await ForgeMetadataAsync(app.Repo, "../../../escaped");
        var target = dir.Sub("x/y/t");
        dir.CreateSub("x/y");
        var before = Outside.State(dir.Path, app.Root, target);

        var r = app.Coffre.Run("restore", forged, "--target", target, "--force");

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Equal(before, Outside.State(dir.Path, app.Root, target));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "escaped*", SearchOption.AllDirectories));
    }

    /// <summary>A copy of the latest snapshot whose metadata.json names its database <paramref name="name"/>.</summary>
    private static async Task<string> ForgeMetadataAsync(string repository, string name)
    {
        var ct = CancellationToken.None;
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(TestPasswords.Default), ct);
        await repo.LoadIndexAsync(ct);
        var latest = (await repo.LoadSnapshotsAsync(ct))[^1];
        var root = await repo.LoadTreeAsync(latest.Snapshot.Tree, ct);
        var meta = root.Single(n => n.Name.AsSpan().SequenceEqual("metadata.json"u8));
        var json = new List<byte>();
        foreach (var id in meta.Content!)
        {
            var (buffer, length) = await repo.ReadBlobAsync(id, ct);
            json.AddRange(buffer.AsSpan(0, length).ToArray());
        }
        var doc = JsonNode.Parse(json.ToArray())!.AsObject();
        var databases = doc.First(p => p.Key.Equals("databases", StringComparison.OrdinalIgnoreCase)).Value!.AsArray();
        var db = databases[0]!.AsObject();
        db[db.First(p => p.Key.Equals("name", StringComparison.OrdinalIgnoreCase)).Key] = name;
        var bytes = Encoding.UTF8.GetBytes(doc.ToJsonString());
        var blob = BlobId.Hash(bytes);
        BlobId tree;
        await using (var writer = new RepositoryWriter(repo))
        {
            await writer.SaveBlobAsync(BlobType.Data, blob, bytes, compress: false, ct);
            meta.Content = [blob];
            meta.Size = (ulong)bytes.Length;
            tree = await ForgedRepository.SaveTreeAsync(writer, root, ct);
            await writer.FlushAsync(ct);
        }
        var snapshot = latest.Snapshot;
        snapshot.Tree = tree;
        snapshot.Time = GoTime.FromDateTimeOffset(DateTimeOffset.UtcNow);
        return (await repo.SaveJsonAsync(FileType.Snapshot, Coffre.Model.Json.SnapshotJson.Serialize(snapshot), ct)).ToString();
    }
}
