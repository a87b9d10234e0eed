using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.RoundTrip;

/// <summary>Backups take shared locks: several at once into one repository all succeed, and every snapshot restores.</summary>
public class ConcurrentBackupTests
{
    [Fact]
    public void Three_backups_at_once_all_succeed()
    {
        using var dir = new TestDirectory("concurrent");
        var a = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("a")), seed: 51, 12 << 20, 100_000);
        var b = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("b")), seed: 52, 9 << 20, 0);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();

        var runs = new[] { new[] { a.RootText }, [b.RootText], [a.RootText, b.RootText] }
            .Select(paths => coffre.Start(["backup", .. paths])).ToList();
        var results = runs.Select(r => r.Wait(ProcessRunner.DefaultTimeout)).ToList();
        runs.ForEach(r => r.Dispose());

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Describe()));
        Assert.Equal(3, coffre.Snapshots().Count);
        Assert.Empty(RepoInspector.Locks(repo));
        var target = dir.Sub("restore");
        coffre.Restore(coffre.Snapshots().Single(s => s.GetProperty("paths").GetArrayLength() == 2).GetProperty("id").GetString()!, target);
        TreeComparer.AssertEqual(a.Root, Restored.PathOf(target, a.Root));
        TreeComparer.AssertEqual(b.Root, Restored.PathOf(target, b.Root));
        Verify.RepositoryIntact(repo);
    }
}
