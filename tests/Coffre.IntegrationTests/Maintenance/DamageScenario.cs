using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// Three backups of three folders (a, b, c) into one repository, each adding its own data pack and tree pack, so one
/// backup's packs can be damaged without touching the others. The damage ledger (a cache) lives in the test folder.
/// </summary>
internal sealed class DamageScenario
{
    public sealed record Backup(string Snapshot, GeneratedTree Source, string DataPack, string TreePack);

    private DamageScenario(TestDirectory dir, string repository, CoffreRunner coffre, ResticRunner restic, List<Backup> backups)
    {
        Dir = dir;
        Repository = repository;
        Coffre = coffre;
        Restic = restic;
        Backups = backups;
    }

    public TestDirectory Dir { get; }
    public string Repository { get; }
    public CoffreRunner Coffre { get; }
    public ResticRunner Restic { get; }
    public List<Backup> Backups { get; }
    public string Cache => Dir.Sub("cache");

    public static DamageScenario Create(TestDirectory dir)
    {
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo) { WorkingDirectory = dir.CreateSub("work") };
        coffre.Environment["XDG_CACHE_HOME"] = dir.CreateSub("cache");
        coffre.Init();
        var backups = new List<Backup>();
        foreach (var (name, seed) in new[] { ("a", 31), ("b", 32), ("c", 33) })
        {
            var before = RepoInspector.Packs(repo);
            var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub(name)), seed, 300_000, 200_000, 150_000);
            var summary = coffre.Backup(tree.RootText);
            var types = RepoInspector.PackTypes(coffre, repo);
            var added = RepoInspector.Packs(repo).Except(before).ToList();
            backups.Add(new Backup(summary.SnapshotId, tree, Assert.Single(added, p => types[p] == "data"), Assert.Single(added, p => types[p] == "tree")));
        }
        return new DamageScenario(dir, repo, coffre, new ResticRunner(repo), backups);
    }

    public void DeletePack(string pack) => File.Delete(RepoInspector.PackPath(Repository, pack));

    /// <summary>Flips one byte in the middle of a pack's first blob (the header stays intact).</summary>
    public void FlipByte(string pack, int offset = 1000)
    {
        var path = RepoInspector.PackPath(Repository, pack);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    public JsonElement CheckJson(params string[] options)
    {
        var r = Coffre.Run(["check", .. options, "--json"]);
        Errors.AssertNoCrash(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.Clone();
    }

    /// <summary>Restores a snapshot and compares it with its source, file by file.</summary>
    public void AssertRestores(string snapshot, GeneratedTree source)
    {
        var target = Dir.Sub("restore-" + Guid.NewGuid().ToString("N")[..6]);
        Coffre.Restore(snapshot, target);
        TreeComparer.AssertEqual(source.Root, Restored.PathOf(target, source.Root));
    }

    public static List<string> Strings(JsonElement e, string property) => [.. e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!)];
}
