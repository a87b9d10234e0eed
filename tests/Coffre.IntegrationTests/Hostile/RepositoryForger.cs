using System.Text;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Hostile;

/// <summary>
/// Writes well-formed, correctly encrypted repositories whose trees are hostile: the engine's own key, pack, index
/// and snapshot writing, with tree blobs written as raw JSON (the serializer would refuse these names). restic's
/// <c>check --read-data</c> finds nothing wrong at the pack level in what it writes.
/// </summary>
internal sealed class RepositoryForger : IAsyncDisposable
{
    private readonly Coffre.Repository.Repository _repo;
    private readonly RepositoryWriter _writer;

    private RepositoryForger(Coffre.Repository.Repository repo)
    {
        _repo = repo;
        _writer = new RepositoryWriter(repo);
    }

    public static async Task<RepositoryForger> CreateAsync(string path) =>
        new(await Coffre.Repository.Repository.InitAsync(new LocalBackend(path), Encoding.UTF8.GetBytes(TestPasswords.Default), TimeProvider.System, CancellationToken.None));

    /// <summary>Stores file content; its ID for a node's content list.</summary>
    public async Task<BlobId> DataAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var id = BlobId.Hash(bytes);
        await _writer.SaveBlobAsync(BlobType.Data, id, bytes, compress: true, CancellationToken.None);
        return id;
    }

    /// <summary>Stores a tree made of the given node objects (raw JSON, in this order); its ID.</summary>
    public async Task<BlobId> TreeAsync(params string[] nodes)
    {
        var json = Encoding.UTF8.GetBytes("{\"nodes\":[" + string.Join(',', nodes) + "]}\n");
        var id = BlobId.Hash(json);
        await _writer.SaveBlobAsync(BlobType.Tree, id, json, compress: true, CancellationToken.None);
        return id;
    }

    /// <summary>Flushes packs and index, then writes a snapshot of <paramref name="root"/>; the snapshot's ID.</summary>
    public async Task<string> SnapshotAsync(BlobId root)
    {
        await _writer.FlushAsync(CancellationToken.None);
        var snapshot = new Snapshot
        {
            Time = GoTime.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Tree = root,
            Paths = ["/forged"],
            Hostname = "forger",
            Username = "forger",
        };
        return (await _repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(snapshot), CancellationToken.None)).ToString();
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private const string Times = "\"mtime\":\"2026-01-02T03:04:05Z\",\"atime\":\"2026-01-02T03:04:05Z\",\"ctime\":\"2026-01-02T03:04:05Z\",\"uid\":0,\"gid\":0";

    private static string Q(string name) => JsonSerializer.Serialize(name);

    public static string File(string name, BlobId content, ulong size = 7 /* "forged\n" */, ulong inode = 0, ulong links = 1) =>
        $"{{\"name\":{Q(name)},\"type\":\"file\",\"mode\":420,{Times},\"inode\":{inode},\"device_id\":{(inode == 0 ? 0 : 2049)},\"size\":{size},\"links\":{links},\"content\":[\"{content}\"]}}";

    public static string Dir(string name, BlobId subtree, uint mode = 0x800001ED /* dir 0755 */) =>
        $"{{\"name\":{Q(name)},\"type\":\"dir\",\"mode\":{mode},{Times},\"content\":null,\"subtree\":\"{subtree}\"}}";

    public static string Symlink(string name, string target) =>
        $"{{\"name\":{Q(name)},\"type\":\"symlink\",\"mode\":134218239,{Times},\"linktarget\":{Q(target)},\"content\":null}}";
}
