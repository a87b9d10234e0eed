using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Storage.Memory;

namespace Coffre.IntegrationTests.Storage;

public sealed class MemoryBackendContractTests : StorageContractTests
{
    protected override IStorageBackend OpenEmpty() => new MemoryBackend();
}

/// <summary>Memory behind the opener's decorators (retry, connection limit): they must keep the whole contract.</summary>
public sealed class DecoratedMemoryBackendContractTests : StorageContractTests
{
    protected override IStorageBackend OpenEmpty() => BackendOpener.Decorate(new MemoryBackend(), StorageOptions.Default);
}

public class LocalBackendContractTests : StorageContractTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-local-").FullName;

    protected string Folder => Path.Combine(_dir, "repo");

    protected override IStorageBackend OpenEmpty() => new LocalBackend(Folder);

    [Fact]
    public async Task ObjectsAreReadOnlyAndTempFilesAreNotListed()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 4, 5 };
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        var path = Path.Combine(Folder, "snapshots", h.Name);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(path));
        await File.WriteAllBytesAsync(path + "-tmp-1234", [1]);
        var names = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, default)) names.Add(e.Name);
        Assert.Equal([h.Name], names);
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>A local repository as the CLI and the service get it: through the opener, with its decorators.</summary>
public sealed class OpenedLocalBackendContractTests : LocalBackendContractTests
{
    protected override IStorageBackend OpenEmpty() => BackendOpener.Open("local:" + Folder, new Dictionary<string, string?>());
}
