using System.Text;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// check on a damaged repository carries on to the end, as restic's checker does: every pack, tree, snapshot and
/// path affected is named and the run ends with the error count. Lengths in index files are bounded.
/// </summary>
public class CheckDamageTests
{
    [Fact]
    public void Missing_tree_and_data_packs_are_all_reported_with_snapshots_and_paths()
    {
        using var dir = new TestDirectory("check-missing");
        var s = DamageScenario.Create(dir);
        var (a, b, c) = (s.Backups[0], s.Backups[1], s.Backups[2]);
        s.DeletePack(a.TreePack); // before: "pack/… does not exist" and no report
        s.DeletePack(b.DataPack);

        var check = s.Coffre.Run("check");

        Assert.True(check.ExitCode == 1, check.Describe());
        Errors.AssertNoCrash(check);
        var output = check.StdOut + check.StdErr;
        foreach (var expected in new[] { a.TreePack[..8], b.DataPack[..8], a.Snapshot[..8], b.Snapshot[..8], "/file-0.bin", "/file-2.bin", "(folder listing)" })
            Assert.True(output.Contains(expected, StringComparison.Ordinal), $"check must name {expected}\n{check.Describe()}");
        Assert.False(output.Contains(c.Snapshot[..8], StringComparison.Ordinal), $"snapshot c is intact\n{check.Describe()}");
        Assert.Matches(@"\d+ error\(s\) found", check.StdOut);

        var json = s.CheckJson();
        Assert.False(json.GetProperty("ok").GetBoolean());
        var damaged = json.GetProperty("damaged_snapshots").EnumerateArray().Select(d => d.GetProperty("snapshot").GetString()).Order().ToList();
        Assert.Equal(new[] { a.Snapshot, b.Snapshot }.Order(), damaged);
        Assert.Equal(json.GetProperty("errors").GetArrayLength(), json.GetProperty("error_count").GetInt32());
        var bPaths = json.GetProperty("damaged_snapshots").EnumerateArray().Single(d => d.GetProperty("snapshot").GetString() == b.Snapshot);
        Assert.Equal(3, bPaths.GetProperty("path_count").GetInt32()); // its three files

        // 'coffre snapshots' shows what the check found.
        var listed = s.Coffre.Snapshots().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("damaged").GetBoolean());
        Assert.True(listed[a.Snapshot] && listed[b.Snapshot] && !listed[c.Snapshot]);
        Assert.Contains("damaged according to the check", s.Coffre.Ok("snapshots").StdOut);

        // restic 0.14 on the same repository: damaged too.
        var restic = s.Restic.Run("check");
        Assert.True(restic.ExitCode == 1, restic.Describe());
        Assert.Contains(a.TreePack, restic.StdOut + restic.StdErr);
        Assert.Contains(b.DataPack, restic.StdOut + restic.StdErr);
        s.AssertRestores(c.Snapshot, c.Source);
    }

    [Fact]
    public void Read_data_names_exactly_the_damaged_blob_and_its_file()
    {
        using var dir = new TestDirectory("check-flip");
        var s = DamageScenario.Create(dir);
        var b = s.Backups[1];
        s.FlipByte(b.DataPack, 1000); // inside the first blob: file-0.bin (the largest file comes first)

        Assert.Equal(0, s.Coffre.Run("check").ExitCode); // sizes match: only reading finds it
        var json = s.CheckJson("--read-data");

        var pack = Assert.Single(json.GetProperty("damaged_packs").EnumerateArray());
        Assert.Equal(b.DataPack, pack.GetProperty("pack").GetString());
        Assert.Contains("1 of 3 blobs damaged", pack.GetProperty("reason").GetString());
        var snapshot = Assert.Single(json.GetProperty("damaged_snapshots").EnumerateArray());
        Assert.Equal(b.Snapshot, snapshot.GetProperty("snapshot").GetString());
        var path = Assert.Single(DamageScenario.Strings(snapshot, "paths"));
        Assert.StartsWith(UnixPathOf(b, "file-"), path, StringComparison.Ordinal);
        Assert.Equal(1, s.Restic.Run("check", "--read-data").ExitCode);
    }

    private static string UnixPathOf(DamageScenario.Backup b, string name) => b.Source.RootText + "/" + name;

    [Theory]
    [InlineData(2147483648L)]   // 2^31: before, "unexpected error: ArgumentOutOfRangeException"
    [InlineData(4294967295L)]
    public async Task An_index_entry_with_a_huge_length_is_a_clear_error(long length)
    {
        using var dir = new TestDirectory("index-huge");
        var s = DamageScenario.Create(dir);
        await RewriteIndexAsync(s.Repository, blob => blob["length"] = length);

        var restore = s.Coffre.Run("restore", s.Backups[0].Snapshot, "--target", dir.Sub("out"));
        Errors.AssertOneLine(restore, 1, "index file", "length " + length);
        var check = s.Coffre.Run("check");
        Assert.Equal(1, check.ExitCode);
        Errors.AssertNoCrash(check);
        Assert.Contains($"length {length}", check.StdErr);
        Assert.Matches(@"\d+ error\(s\) found", check.StdOut);
    }

    /// <summary>Rewrites every index file (decrypted, changed, encrypted again under its new name), as a forger with the key could.</summary>
    internal static async Task RewriteIndexAsync(string repository, Action<JsonObject> changeFirstDataBlob)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        var changed = false;
        foreach (var name in RepoInspector.Indexes(repository))
        {
            var json = JsonNode.Parse(await repo.LoadJsonAsync(FileType.Index, name, CancellationToken.None))!;
            foreach (var pack in json["packs"]!.AsArray())
                foreach (var blob in pack!["blobs"]!.AsArray())
                    if (!changed && (string?)blob!["type"] == "data")
                    {
                        changeFirstDataBlob(blob.AsObject());
                        changed = true;
                    }
            await repo.SaveJsonAsync(FileType.Index, Encoding.UTF8.GetBytes(json.ToJsonString()), CancellationToken.None);
            await repo.Backend.RemoveAsync(new StorageHandle(FileType.Index, name), CancellationToken.None);
        }
        Assert.True(changed);
    }
}
