using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// A repository in restic's format version 1 (<c>restic init --repository-version 1</c>, the default before
/// restic 0.14): Coffre reads it, refuses every command that would write index, snapshot or pack objects (naming
/// <c>restic migrate upgrade_repo_v2</c>), and writes its lock files in the form restic reads there (plain JSON),
/// so that restic still sees them. Afterwards restic checks and lists the repository as before.
/// </summary>
public class VersionOneRepositoryTests
{
    [Fact]
    public void Coffre_refuses_to_write_into_a_version_1_repository_and_restic_still_reads_it()
    {
        using var dir = new TestDirectory("repo-v1");
        var repo = dir.Sub("repo");
        var restic = new ResticRunner(repo);
        restic.Ok("init", "--repository-version", "1");
        var files = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("files")), seed: 11, 400_000).RootText;
        restic.Backup(files);
        var coffre = new CoffreRunner(repo);

        foreach (var command in new[] { new[] { "backup", files }, ["prune"], ["key", "rotate-master"] })
        {
            var r = coffre.Run(command);
            Assert.True(r.ExitCode == 1 && r.StdErr.Contains("restic migrate upgrade_repo_v2", StringComparison.Ordinal), $"{command[0]} must refuse a version 1 repository\n{r.Describe()}");
        }

        // Reading keeps working.
        Assert.Single(coffre.Snapshots());
        coffre.Ok("restore", "latest", "--target", dir.Sub("restored"));
        Assert.Empty(RepoInspector.Names(repo, "locks"));
        restic.AssertCheckReadData();
        Assert.Single(restic.Snapshots());
    }

    [Fact]
    public async Task Restic_sees_a_lock_Coffre_holds_on_a_version_1_repository()
    {
        using var dir = new TestDirectory("repo-v1-lock");
        var repo = dir.Sub("repo");
        var restic = new ResticRunner(repo);
        restic.Ok("init", "--repository-version", "1");
        var opened = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repo), System.Text.Encoding.UTF8.GetBytes(TestPasswords.Default), default);
        await using (await RepositoryLock.AcquireAsync(opened, exclusive: true, TimeProvider.System, default))
        {
            var r = restic.Run("backup", dir.Path);
            Assert.True(r.ExitCode != 0 && r.StdErr.Contains("locked", StringComparison.Ordinal), $"restic must see Coffre's exclusive lock\n{r.Describe()}");
        }
        Assert.Empty(RepoInspector.Names(repo, "locks"));
    }
}
