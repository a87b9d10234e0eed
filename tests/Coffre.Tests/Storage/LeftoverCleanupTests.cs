using System.Runtime.Versioning;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Tests.Platform;

namespace Coffre.Tests.Storage;

/// <summary>What prune may remove as leftovers of interrupted writes, and what it must leave alone; and the change observer.</summary>
[SupportedOSPlatform("linux")]
public class LeftoverCleanupTests
{
    [Fact]
    public async Task Only_temp_and_staging_files_are_removed()
    {
        using var dir = new TempDirectory();
        var root = Coffre.Platform.UnixPath.ToDisplay(dir.Path);
        var backend = new LocalBackend(root);
        await backend.CreateAsync(default);
        var id = new string('c', 64);
        string[] leftovers =
        [
            $"index/{id}-tmp-0123456789abcdef",
            $"snapshots/{id}-tmp-00ff",
            $"data/cc/{id}-tmp-abcdef",
            "config-tmp-0123456789abcdef",
            "data/pack-0123456789abcdef-tmp",
            $"data/.coffre-sqlite-{Guid.NewGuid():N}.sqlite",
        ];
        string[] kept =
        [
            $"index/{id}",
            $"data/cc/{id}",
            "index/notes-tmp-0123",
            $"index/{id}-tmp-NOTHEX",
            "data/pack-xyz-tmp",
            "data/pack-tmp",
            "keys/pack-0123456789abcdef-tmp",
            "README",
        ];
        foreach (var f in leftovers.Concat(kept)) await File.WriteAllTextAsync(Path.Combine(root, f), "x");

        Assert.Equal(leftovers.Length, await backend.RemoveLeftoversAsync(default));

        Assert.All(leftovers, f => Assert.False(File.Exists(Path.Combine(root, f)), f));
        Assert.All(kept, f => Assert.True(File.Exists(Path.Combine(root, f)), f));
    }

    [Fact]
    public async Task The_notifying_backend_reports_each_store_and_removal_after_it_happened()
    {
        using var dir = new TempDirectory();
        var inner = new LocalBackend(Coffre.Platform.UnixPath.ToDisplay(dir.Path));
        await inner.CreateAsync(default);
        var seen = new List<(StorageChange Change, bool Present)>();
        var backend = new NotifyingBackend(inner, c => seen.Add((c, File.Exists(inner.PathOf(c.Handle)))));
        var h = new StorageHandle(FileType.Index, BlobId.Hash([1]).ToString());

        await backend.SaveAsync(h, new byte[] { 1 }, default);
        await backend.LoadAsync(h, default);
        await backend.RemoveAsync(h, default);

        Assert.Equal([(new StorageChange(h, false), true), (new StorageChange(h, true), false)], seen);
    }
}
