using Coffre.Archiver;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Storage;

/// <summary>
/// The writer's uploads, counted (never timed) through a backend that holds pack saves: several packs go up at
/// once, as many as the backend's connections, while blobs keep coming; a failed upload fails the writer and the
/// backup, with no index for the lost pack and no snapshot.
/// </summary>
public sealed class UploadPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-upload-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Random1MiB(int seed)
    {
        var b = new byte[1 << 20];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>Enough incompressible 1 MiB blobs for <paramref name="packs"/> full packs.</summary>
    private static async Task AddPacksAsync(RepositoryWriter writer, int packs, CancellationToken ct)
    {
        var blobsPerPack = Coffre.Repository.Pack.PackBuilder.TargetSize / (1 << 20);
        for (var i = 0; i < packs * blobsPerPack; i++)
        {
            var data = Random1MiB(i);
            await writer.SaveBlobAsync(BlobType.Data, BlobId.Hash(data), data, compress: false, ct);
        }
    }

    private static async Task<List<StorageEntry>> ListAsync(IStorageBackend backend, FileType type)
    {
        var list = new List<StorageEntry>();
        await foreach (var e in backend.ListAsync(type, default)) list.Add(e);
        return list;
    }

    [Fact]
    public async Task PacksUploadSideBySideAsManyAsTheBackendServesWhileBlobsKeepComing()
    {
        var backend = new HeldUploadsBackend(new MemoryBackend(), connections: 4);
        var repo = await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default);
        await using var writer = new RepositoryWriter(repo);
        Assert.Equal(4, writer.Uploaders);

        // The first four pack uploads are held until all four are in flight at once: with one upload at a time the
        // second would never start, the gate would give up, and the count below would say so.
        await AddPacksAsync(writer, packs: 7, default);
        await writer.FlushAsync(default);

        Assert.Equal(4, backend.MostPackSavesAtOnce);
        Assert.True(backend.GateOpened, "four pack uploads were never in flight at once");
        var packs = await ListAsync(backend, FileType.Pack);
        Assert.Equal(7, packs.Count); // 16 blobs of 1 MiB fill a pack
        Assert.Single(await ListAsync(backend, FileType.Index));
        for (var i = 0; i < 7 * 16; i++) Assert.True(repo.Index.Has(BlobId.Hash(Random1MiB(i))));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(32, RepositoryWriter.MaxUploaders)]
    public void UploadersFollowTheBackendsConnectionsUpToTheCap(int connections, int uploaders) =>
        Assert.Equal(uploaders, RepositoryWriter.UploadersFor(BackendProperties.Remote(connections)));

    [Fact]
    public async Task AFailedUploadFailsTheWriterAndNoIndexIsWritten()
    {
        var backend = new HeldUploadsBackend(new MemoryBackend(), connections: 4) { FailPackSave = 2 };
        var repo = await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default);
        await using var writer = new RepositoryWriter(repo);

        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await AddPacksAsync(writer, packs: 12, default);
            await writer.FlushAsync(default);
        });

        Assert.Equal("the storage went away", e.Message);
        Assert.Empty(await ListAsync(backend, FileType.Index));
        // The failure stopped the writer early: it did not go on filling and storing every pack it was given.
        Assert.True(backend.PackSavesStarted < 12, $"{backend.PackSavesStarted} pack uploads started after the failure");
    }

    [Fact]
    public async Task ABackupWhosePackUploadFailsFailsWithNoSnapshot()
    {
        var source = Path.Combine(_dir, "source");
        Directory.CreateDirectory(source);
        for (var i = 0; i < 3; i++)
        {
            var content = new byte[17 << 20];
            new Random(i).NextBytes(content);
            await File.WriteAllBytesAsync(Path.Combine(source, $"f{i}.bin"), content);
        }
        var backend = new HeldUploadsBackend(new MemoryBackend(), connections: 2) { FailPackSave = 2 };
        var repo = await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default);

        var e = await Assert.ThrowsAsync<IOException>(() => new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(
            new BackupOptions { Paths = [source] }, new BackupProgress(), default));

        Assert.Equal("the storage went away", e.Message);
        Assert.Empty(await ListAsync(backend, FileType.Snapshot));
        Assert.Empty(await ListAsync(backend, FileType.Index));
    }
}

/// <summary>
/// A backend whose pack saves are counted: the first <c>connections</c> are held until that many are in flight at
/// once (or a minute has passed: the test then fails on the count); <see cref="FailPackSave"/> makes that pack save
/// (1-based) fail for good.
/// </summary>
internal sealed class HeldUploadsBackend(IStorageBackend inner, int connections) : DelegatingBackend(inner)
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight, _most, _started;

    public int FailPackSave { get; init; }
    public int MostPackSavesAtOnce => Volatile.Read(ref _most);
    public int PackSavesStarted => Volatile.Read(ref _started);
    public bool GateOpened => _gate.Task.IsCompletedSuccessfully;

    public override BackendProperties Properties { get; } = BackendProperties.Remote(connections);

    public override async Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        if (handle.Type != FileType.Pack)
        {
            await Inner.SaveAsync(handle, source, ct);
            return;
        }
        var number = Interlocked.Increment(ref _started);
        var now = Interlocked.Increment(ref _inFlight);
        try
        {
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most) { }
            if (number == FailPackSave) throw new IOException("the storage went away");
            if (now >= connections) _gate.TrySetResult();
            if (number <= connections)
            {
                try { await _gate.Task.WaitAsync(TimeSpan.FromMinutes(1), ct); }
                catch (TimeoutException) { }
            }
            await Inner.SaveAsync(handle, source, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
