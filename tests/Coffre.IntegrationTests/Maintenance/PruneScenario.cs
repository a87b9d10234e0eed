using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// A repository of four snapshots of four folders that share files, so that forgetting some of them leaves
/// packs unused, partly used and fully used: v1 = a + only-1, v2 = a + b + only-2, v3 = b + only-3 (+ a few
/// small files), v4 = a + b + only-4. Each backup writes one data pack and one tree pack.
/// </summary>
internal sealed class PruneScenario
{
    private PruneScenario(string repo, List<(string Id, GeneratedTree Source)> snapshots)
    {
        Repo = repo;
        Coffre = new CoffreRunner(repo);
        Restic = new ResticRunner(repo);
        Snapshots = snapshots;
    }

    public string Repo { get; }
    public CoffreRunner Coffre { get; }
    public ResticRunner Restic { get; }
    /// <summary>Every snapshot taken, oldest first, with the folder it was taken of (left unchanged).</summary>
    public List<(string Id, GeneratedTree Source)> Snapshots { get; }

    public static PruneScenario Create(TestDirectory dir, string repo)
    {
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        (string Name, long Size, int Seed)[] a = [("a.bin", 2_600_000, 1)], b = [("b.bin", 2_100_000, 2)];
        var versions = new[]
        {
            a.Append(("only-1.bin", 3_100_000L, 11)),
            a.Concat(b).Append(("only-2.bin", 1_600_000L, 12)),
            b.Append(("only-3.bin", 3_000_000L, 13)).Append(("sub/one.txt", 2_000L, 21)).Append(("sub/two.txt", 3_000L, 22)),
            a.Concat(b).Append(("only-4.bin", 1_100_000L, 14)),
        };
        var snapshots = new List<(string, GeneratedTree)>();
        for (var v = 0; v < versions.Length; v++)
        {
            var root = UnixPath.FromString(dir.Sub($"v{v + 1}"));
            Dir(root);
            var files = new List<byte[]>();
            foreach (var (name, size, seed) in versions[v])
            {
                var path = UnixPath.Join(root, B(name));
                Dir(UnixPath.Join(root, B(Path.GetDirectoryName(name) is { Length: > 0 } d ? d : ".")));
                WriteRandom(path, size, seed);
                files.Add(B(name));
            }
            var tree = new GeneratedTree(root, files);
            snapshots.Add((coffre.Backup(tree.RootText).SnapshotId, tree));
        }
        return new PruneScenario(repo, snapshots);
    }

    /// <summary>A copy of the repository (cp -a) under another name, sharing the snapshots' sources.</summary>
    public PruneScenario CopyTo(string repo)
    {
        var r = ProcessRunner.Run("cp", ["-a", Repo, repo], new Dictionary<string, string?>());
        Assert.True(r.ExitCode == 0, r.Describe());
        return new PruneScenario(repo, Snapshots);
    }

    /// <summary>Forgets snapshots with restic (which only deletes their snapshot files).</summary>
    public void Forget(params int[] indexes)
    {
        Restic.Ok(["forget", .. indexes.Select(i => Snapshots[i].Id)]);
        foreach (var i in indexes.OrderDescending()) Snapshots.RemoveAt(i);
    }

    /// <summary>Both checkers accept the repository (data read), and every remaining snapshot restores to exactly its source.</summary>
    public void AssertIntact(TestDirectory dir)
    {
        Verify.RepositoryIntact(Repo);
        AssertRestores(dir);
    }

    /// <summary>Every remaining snapshot restores to exactly its source.</summary>
    public void AssertRestores(TestDirectory dir)
    {
        foreach (var (id, source) in Snapshots)
        {
            var target = dir.Sub("restore-" + id[..8] + "-" + Guid.NewGuid().ToString("N")[..6]);
            Coffre.Restore(id, target);
            TreeComparer.AssertEqual(source.Root, Restored.PathOf(target, source.Root));
            TestDirectory.RemoveAll(UnixPath.FromString(target));
        }
    }

    /// <summary>prune --json (exit 0 required).</summary>
    public JsonElement Prune(params string[] options) => Coffre.Json(["prune", .. options]);

    /// <summary>Every file of the repository but the locks, with its size: equal before and after means nothing was touched.</summary>
    public List<string> Files() =>
        [.. Directory.EnumerateFiles(Repo, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo, f))
            .Where(f => !f.StartsWith("locks/", StringComparison.Ordinal))
            .Select(f => $"{f} {new FileInfo(Path.Combine(Repo, f)).Length}")
            .Order(StringComparer.Ordinal)];

    /// <summary>Sum of the sizes of all packs.</summary>
    public long PackBytes() => Directory.EnumerateFiles(Path.Combine(Repo, "data"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>blob ID -> the packs the index files put it in (parsed from coffre cat index).</summary>
    public Dictionary<string, List<string>> BlobLocations()
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var index in RepoInspector.Indexes(Repo).Where(n => n.Length == 64))
        {
            using var doc = JsonDocument.Parse(Coffre.Ok("cat", "index", index).StdOut);
            foreach (var pack in doc.RootElement.GetProperty("packs").EnumerateArray())
                foreach (var blob in pack.GetProperty("blobs").EnumerateArray())
                {
                    var id = blob.GetProperty("id").GetString()!;
                    if (!result.TryGetValue(id, out var list)) result[id] = list = [];
                    list.Add(pack.GetProperty("id").GetString()!);
                }
        }
        return result;
    }

    public static List<string> Strings(JsonElement e, string property) => [.. e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal)];
}
