using Coffre.Model;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// The shared contract (<see cref="StorageContractTests"/>) for a remote backend whose server keeps the repository in a
/// folder this test can see (<see cref="ServedRoot"/>), plus what that lets it check: objects land where restic and
/// rest-server look for them, and names the server holds that are not objects are never listed.
/// </summary>
public abstract class RemoteContractTests : StorageContractTests
{
    /// <summary>The folder the server stores the repository in.</summary>
    protected abstract string ServedRoot { get; }

    [ContractFact]
    public async Task ObjectsLandInResticsLayoutOnTheServer()
    {
        await Backend.CreateAsync(default);
        Assert.Null(Backend.Properties.StagingFolder);
        var snapshot = "some snapshot"u8.ToArray();
        var pack = Random(1000, 10);
        var lockFile = Random(10, 11);
        await Backend.SaveAsync(Handle(FileType.Snapshot, snapshot), snapshot, default);
        await Backend.SaveAsync(Handle(FileType.Pack, pack), pack, default);
        await Backend.SaveAsync(Handle(FileType.Lock, lockFile), lockFile, default);
        await Backend.RemoveAsync(Handle(FileType.Lock, lockFile), default);

        Assert.Equal(snapshot, await File.ReadAllBytesAsync(Path.Combine(ServedRoot, "snapshots", Handle(FileType.Snapshot, snapshot).Name)));
        var packName = Handle(FileType.Pack, pack).Name;
        Assert.Equal(pack, await File.ReadAllBytesAsync(Path.Combine(ServedRoot, "data", packName[..2], packName)));
        Assert.False(File.Exists(Path.Combine(ServedRoot, "locks", Handle(FileType.Lock, lockFile).Name)));
    }

    [ContractFact]
    public async Task NamesThatAreNotObjectsAreNotListed()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 4, 5 };
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", h.Name + "-tmp-1234"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", "README"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", h.Name.ToUpperInvariant()), [1]);
        var names = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, default)) names.Add(e.Name);
        Assert.Equal([h.Name], names);
    }
}
