using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// A backup through the opener's decorators over storage that keeps failing for a while (refused calls and lost
/// replies): it completes, and restic 0.14 finds the repository whole and reads back every file.
/// </summary>
public sealed class FaultyStorageBackupTests
{
    [Fact]
    public async Task ABackupThroughTransientFaultsIsWholeForRestic()
    {
        using var dir = new TestDirectory("faulty-storage");
        var source = dir.CreateSub("source");
        for (var i = 0; i < 6; i++)
        {
            var b = new byte[(i + 1) << 20];
            new Random(i).NextBytes(b);
            await File.WriteAllBytesAsync(Path.Combine(source, $"f{i}.bin"), b);
        }
        await File.WriteAllTextAsync(Path.Combine(source, "note.txt"), "hello");
        var repoPath = dir.Sub("repo");
        var clock = new ManualClock();
        var faults = new FaultInjectingBackend(new LocalBackend(repoPath));
        var backend = BackendOpener.Decorate(faults, clock.Options());
        var repo = await Coffre.Repository.Repository.InitAsync(backend, Encoding.UTF8.GetBytes(TestPasswords.Default), TimeProvider.System, default);
        faults.Fail(StorageCall.Save, 3).Fail(StorageCall.Load, 2).Fail(StorageCall.List, 1);

        var first = await new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(new BackupOptions { Paths = [source] }, new BackupProgress(), default);
        faults.Fail(StorageCall.Save, 2, afterCall: true);
        await File.WriteAllTextAsync(Path.Combine(source, "note.txt"), "hello again");
        var second = await new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(new BackupOptions { Paths = [source] }, new BackupProgress(), default);

        Assert.True(first.Complete && second.Complete);
        Assert.True(faults.Injected >= 7, $"only {faults.Injected} faults were injected");
        Assert.Equal(faults.Injected, clock.Waits.Count);
        var restic = new ResticRunner(repoPath);
        restic.AssertCheckReadData();
        var target = dir.Sub("restored");
        restic.Ok("restore", "latest", "--target", target);
        TreeComparer.AssertEqual(Coffre.Platform.UnixPath.FromString(source), Restored.PathOf(target, source));
    }
}
