using System.Security.Cryptography;
using Coffre.Maintenance.KeyRotation;
using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.Tests.Maintenance.KeyRotation;

public sealed class PackReencryptorTests : IDisposable
{
    private readonly string _staging = Directory.CreateTempSubdirectory("coffre-reencrypt-").FullName;
    private readonly CryptoKey _old = CryptoKey.NewRandom();
    private readonly CryptoKey _new = CryptoKey.NewRandom();

    public void Dispose() => Directory.Delete(_staging, recursive: true);

    /// <summary>A pack of a compressible, an incompressible and an empty blob, sealed with the old key, stored in a local backend.</summary>
    private async Task<(LocalBackend Backend, BlobId Id, byte[] Bytes, List<byte[]> Plains)> PackAsync()
    {
        var plains = new List<byte[]> { new byte[20_000], RandomNumberGenerator.GetBytes(50_000), Array.Empty<byte>() };
        var builder = new PackBuilder(BlobType.Data, _staging);
        foreach (var p in plains)
        {
            var enc = BlobCodec.Encode(_old, p, compress: true);
            builder.Add(BlobId.Hash(p), enc.Buffer.AsSpan(0, enc.Length), enc.UncompressedLength);
            BufferPool.Instance.Return(enc.Buffer);
        }
        using var pack = builder.Finish(_old);
        pack.Seal();
        var bytes = await File.ReadAllBytesAsync(pack.StagingPath);
        var backend = await NewBackendAsync();
        await backend.SaveAsync(new StorageHandle(FileType.Pack, pack.Id.ToString()), bytes, default);
        return (backend, pack.Id, bytes, plains);
    }

    /// <summary>A local repository: the rewrite stages in its data/ folder, where a leftover would show.</summary>
    private async Task<LocalBackend> NewBackendAsync()
    {
        var backend = new LocalBackend(Path.Combine(_staging, $"repo-{Guid.NewGuid():N}"));
        await backend.CreateAsync(default);
        return backend;
    }

    [Fact]
    public async Task NewPackHasTheOldLayoutAndOpensOnlyWithTheNewKey()
    {
        var (backend, oldId, oldBytes, plains) = await PackAsync();

        var newId = await PackReencryptor.RewriteAsync(backend, oldId, oldBytes.Length, _old, _new, default);

        var newBytes = await backend.LoadAsync(new StorageHandle(FileType.Pack, newId.ToString()), default);
        Assert.NotEqual(oldId, newId);
        Assert.Equal(newId, BlobId.Hash(newBytes));
        Assert.Equal(oldBytes.Length, newBytes.Length);
        var oldHeader = PackHeader.ReadFromPack(oldBytes, oldId, _old);
        Assert.Equal(oldHeader, PackHeader.ReadFromPack(newBytes, newId, _new));
        Assert.Throws<InvalidDataException>(() => PackHeader.ReadFromPack(newBytes, newId, _old));
        for (var i = 0; i < plains.Count; i++)
        {
            var b = oldHeader[i];
            var n = BlobCodec.Decode(_new, newBytes.AsSpan((int)b.Offset, (int)b.Length), b, out var plain);
            Assert.Equal(plains[i], plain.AsSpan(0, n).ToArray());
            BufferPool.Instance.Return(plain);
            Assert.Throws<InvalidDataException>(() => BlobCodec.Decode(_old, newBytes.AsSpan((int)b.Offset, (int)b.Length), b, out _));
        }
        Assert.Equal(oldHeader, await PackReencryptor.VerifyAsync(backend, newId, _new, default));
        Assert.Empty(Directory.GetFiles(backend.Properties.StagingFolder!, RotationStore.StagingFilePrefix + "*"));
    }

    [Fact]
    public async Task ADamagedBlobStopsTheRewriteAndLeavesNothing()
    {
        var (_, oldId, oldBytes, _) = await PackAsync();
        var damaged = (byte[])oldBytes.Clone();
        damaged[40] ^= 1; // inside the first blob
        var backend = await NewBackendAsync();
        await backend.SaveAsync(new StorageHandle(FileType.Pack, oldId.ToString()), damaged, default);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => PackReencryptor.RewriteAsync(backend, oldId, damaged.Length, _old, _new, default));

        Assert.Contains("MAC", e.Message, StringComparison.Ordinal);
        var packs = new List<StorageEntry>();
        await foreach (var p in backend.ListAsync(FileType.Pack, default)) packs.Add(p);
        Assert.Single(packs);
        Assert.Empty(Directory.GetFiles(backend.Properties.StagingFolder!, RotationStore.StagingFilePrefix + "*"));
    }

    [Fact]
    public async Task ACopyThatNoLongerMatchesItsNameFailsVerification()
    {
        var (backend, oldId, oldBytes, _) = await PackAsync();
        var newId = await PackReencryptor.RewriteAsync(backend, oldId, oldBytes.Length, _old, _new, default);
        var bytes = await backend.LoadAsync(new StorageHandle(FileType.Pack, newId.ToString()), default);
        bytes[10] ^= 1;
        await backend.RemoveAsync(new StorageHandle(FileType.Pack, newId.ToString()), default);
        await backend.SaveAsync(new StorageHandle(FileType.Pack, newId.ToString()), bytes, default);

        await Assert.ThrowsAsync<InvalidDataException>(() => PackReencryptor.VerifyAsync(backend, newId, _new, default));
    }
}
