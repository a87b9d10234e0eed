using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Tests.Fuzz;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Campaigns;

/// <summary>
/// Campaign 2 of issue 10 (docs/campaigns.md): random byte flips (1000 at scale 1) across the packs, indexes,
/// snapshots and keys of a repository Coffre made. Every flip must be detected: by opening the repository (keys)
/// or by the check with read-data (the others, keys too when they still open); a flip inside a data blob must be
/// traced to the files that need it; and on a sample of those, a restore brings back every other file intact,
/// names the damaged ones, leaves no placeholder for them and exits non-zero.
/// </summary>
public sealed class ByteFlipCampaignTests(ITestOutputHelper output) : IDisposable
{
    private const int FlipsAtScaleOne = 1000;
    private const int RestoresAtScaleOne = 20;
    private const int Seed = 20261207;

    private static readonly string[] Categories = ["pack", "index", "snapshot", "key"];

    private readonly TestDirectory _dir = new("flips");

    public void Dispose() => _dir.Dispose();

    private sealed record DataBlob(BlobId Pack, IndexBlob Blob);

    [Fact]
    public async Task Every_flip_is_detected_traced_to_its_files_and_the_rest_restores()
    {
        var repo = _dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var source = new CampaignSource(_dir.Sub("src"), Seed, 60);
        var first = coffre.Backup(source.Root).SnapshotId;
        var firstFiles = new Dictionary<string, string>(source.Files);
        source.Change(10);
        for (var i = 0; i < 5; i++) source.Add();
        var second = coffre.Backup(source.Root).SnapshotId;
        var snapshotFiles = new Dictionary<string, Dictionary<string, string>> { [first] = firstFiles, [second] = new(source.Files) };

        var targets = new Dictionary<string, List<string>>
        {
            ["pack"] = Files(repo, "data"),
            ["index"] = Files(repo, "index"),
            ["snapshot"] = Files(repo, "snapshots"),
            ["key"] = Files(repo, "keys"),
        };
        var blobsByPackOffset = await DataBlobsAsync(repo);

        var flips = CampaignScale.Of(FlipsAtScaleOne);
        // About a fifth of the flips land inside a data blob (a quarter hit packs, most of a pack is data).
        var restoreEvery = Math.Max(1, flips / 5 / CampaignScale.Of(RestoresAtScaleOne));
        var rng = new Random(Seed);
        var held = Categories.ToDictionary(c => c, _ => 0);
        var total = Categories.ToDictionary(c => c, _ => 0);
        int traced = 0, traceable = 0, restoresHeld = 0, restores = 0;
        var problems = new List<string>();

        for (var i = 0; i < flips; i++)
        {
            var category = Categories[i % Categories.Length];
            var file = targets[category][rng.Next(targets[category].Count)];
            var length = new FileInfo(file).Length;
            var offset = rng.NextInt64(length);
            var xor = (byte)(1 + rng.Next(255));
            var what = $"flip {i}: {category} {Path.GetRelativePath(repo, file)} byte {offset} ^ 0x{xor:x2}";
            total[category]++;

            var original = Flip(file, offset, xor);
            try
            {
                var (detected, report) = await DetectAsync(repo, category);
                if (detected is null) held[category]++;
                else
                {
                    problems.Add($"{what}: {detected}");
                    continue;
                }
                if (category != "pack" || report is null) continue;
                var packId = BlobId.Parse(Path.GetFileName(file));
                var hit = blobsByPackOffset.FirstOrDefault(b => b.Pack == packId && offset >= b.Blob.Offset && offset < b.Blob.Offset + b.Blob.Length);
                if (hit is null) continue; // the pack header or a tree blob: every file of the pack, or a folder listing
                var damagedHash = hit.Blob.Id.ToString();
                var damagedFiles = snapshotFiles.SelectMany(s => s.Value.Where(f => f.Value == damagedHash).Select(f => f.Key)).Distinct().ToList();
                traceable++;
                var named = report.DamagedPacks.Where(p => p.Pack == packId).SelectMany(p => p.AffectedFiles).ToList();
                var missing = damagedFiles.Where(f => !named.Any(n => n.EndsWith(source.Absolute(f), StringComparison.Ordinal))).ToList();
                if (missing.Count == 0) traced++;
                else problems.Add($"{what}: the check does not name {string.Join(", ", missing)} (it names: {string.Join("; ", named.Take(5))})");

                if (traceable % restoreEvery != 0) continue;
                restores++;
                var snapshot = snapshotFiles.First(s => s.Value.ContainsValue(damagedHash));
                var problem = RestoreProblem(coffre, snapshot.Key, snapshot.Value, damagedHash, source, _dir.Sub($"restore-{i}"));
                if (problem is null) restoresHeld++;
                else problems.Add($"{what}: restore of {snapshot.Key[..8]}: {problem}");
            }
            finally
            {
                Flip(file, offset, xor);
                Assert.Equal(original, File.ReadAllBytes(file)[offset]);
            }
        }

        var summary = string.Join(", ", Categories.Select(c => $"{c} {held[c]}/{total[c]}"))
            + $"; data-blob flips traced to their files {traced}/{traceable}; restores with the damage skipped {restoresHeld}/{restores}";
        output.WriteLine($"byte flips detected: {summary}");
        Assert.True(problems.Count == 0, $"{problems.Count} problems ({summary}); the first 30:\n" + string.Join("\n", problems.Take(30)));
        Assert.True(restores > 0 && traceable > 0, $"the campaign never hit a data blob ({summary})");
    }

    /// <summary>Null when the damage is found, else what happened instead; with the check's report when it ran.</summary>
    private static async Task<(string? Problem, CheckReport? Report)> DetectAsync(string repoPath, string category)
    {
        Coffre.Repository.Repository repo;
        try
        {
            repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repoPath), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        }
        catch (CoffreException) when (category == "key")
        {
            return (null, null); // the damaged key no longer opens the repository
        }
        catch (Exception e)
        {
            return ($"opening the repository threw {e.GetType().Name}: {e.Message}", null);
        }

        CheckReport report;
        try
        {
            report = await new Checker(repo).CheckAsync(new CheckOptions { ReadData = true }, CancellationToken.None);
        }
        catch (Exception e)
        {
            return ($"check --read-data stopped with {e.GetType().Name}: {e.Message} (it should report the damage and carry on)", null);
        }
        return report.Ok
            ? ($"undetected: the repository opens and check --read-data finds no error{(category == "key" ? " (key files are not verified against their names)" : "")}", report)
            : (null, report);
    }

    /// <summary>Null when a restore of <paramref name="snapshot"/> skips exactly the damaged files and restores the rest.</summary>
    private static string? RestoreProblem(CoffreRunner coffre, string snapshot, Dictionary<string, string> files, string damagedHash, CampaignSource source, string target)
    {
        var r = coffre.Run("restore", snapshot, "--target", target);
        var problems = new List<string>();
        if (r.ExitCode == 0) problems.Add("exit code 0 despite a damaged file");
        foreach (var (rel, hash) in files)
        {
            var restored = Restored.PathOf(target, source.Absolute(rel));
            var exists = File.Exists(Encoding.UTF8.GetString(restored));
            if (hash == damagedHash)
            {
                if (exists) problems.Add($"{rel} (damaged) left as a file");
                if (!r.StdErr.Contains(rel, StringComparison.Ordinal) && !r.StdOut.Contains(rel, StringComparison.Ordinal)) problems.Add($"{rel} (damaged) not named");
            }
            else if (!exists) problems.Add($"{rel} not restored");
            else if (RawFiles.Sha256(restored) != hash) problems.Add($"{rel} restored with other content");
        }
        return problems.Count == 0 ? null : $"{string.Join("; ", problems.Take(6))}{(problems.Count > 6 ? $" (+{problems.Count - 6})" : "")} — exit {r.ExitCode}, stderr: {r.StdErr.Trim().Split('\n').FirstOrDefault()}";
    }

    /// <summary>Xors one byte in place; returns the byte as it was.</summary>
    private static byte Flip(string file, long offset, byte xor)
    {
        using var h = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
        Span<byte> b = stackalloc byte[1];
        RandomAccess.Read(h, b, offset);
        var was = b[0];
        b[0] ^= xor;
        RandomAccess.Write(h, b, offset);
        return was;
    }

    private static List<string> Files(string repo, string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(repo, folder), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static async Task<List<DataBlob>> DataBlobsAsync(string repoPath)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repoPath), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        var list = new List<DataBlob>();
        foreach (var index in Files(repoPath, "index"))
            foreach (var pack in IndexJson.ParsePacks(await repo.LoadJsonAsync(FileType.Index, Path.GetFileName(index), CancellationToken.None)))
                list.AddRange(pack.Blobs.Where(b => b.Type == BlobType.Data).Select(b => new DataBlob(pack.PackId, b)));
        return list;
    }
}
