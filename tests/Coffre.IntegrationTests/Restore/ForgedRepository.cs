using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Restore;

/// <summary>A node of a forged tree. Names are raw bytes: anything a hostile repository may hold.</summary>
internal abstract record Forged(byte[] Name)
{
    public static ForgedFile File(string name, string content, ulong links = 1, ulong inode = 0) => new(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(content), links, inode);
    public static ForgedDir Dir(string name, params Forged[] children) => new(Encoding.UTF8.GetBytes(name), children);
    public static ForgedLink Link(string name, string target) => new(Encoding.UTF8.GetBytes(name), target);
}

internal sealed record ForgedFile(byte[] Name, byte[] Content, ulong Links, ulong Inode) : Forged(Name);
internal sealed record ForgedDir(byte[] Name, Forged[] Children, uint Permissions = 0x1FF) : Forged(Name);
internal sealed record ForgedLink(byte[] Name, string Target) : Forged(Name);

/// <summary>
/// Writes well-formed, correctly encrypted snapshots whose trees say whatever a test wants (invalid names, the
/// same name twice, in the order given), through the engine's own writer: what someone holding the repository
/// key could write.
/// </summary>
internal static class ForgedRepository
{
    public static string Snapshot(string repository, params Forged[] root) => SnapshotAsync(repository, null, root).GetAwaiter().GetResult();

    public static async Task<string> SnapshotAsync(string repository, string[]? tags, params Forged[] root)
    {
        var ct = CancellationToken.None;
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(TestPasswords.Default), ct);
        BlobId tree;
        await using (var writer = new RepositoryWriter(repo))
        {
            tree = await TreeAsync(writer, root, ct);
            await writer.FlushAsync(ct);
        }
        var snapshot = new Snapshot
        {
            Time = GoTime.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Tree = tree,
            Paths = ["/forged"],
            Hostname = "forger",
            Username = "test",
            Tags = tags is null ? null : [.. tags],
        };
        return (await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(snapshot), ct)).ToString();
    }

    /// <summary>Saves a tree with the nodes in the order given (no sorting, no duplicate check) and returns its ID.</summary>
    public static async Task<BlobId> SaveTreeAsync(RepositoryWriter writer, IEnumerable<Node> nodes, CancellationToken ct)
    {
        var w = new GoJsonWriter();
        w.WriteStartObject();
        w.WritePropertyName("nodes");
        w.WriteStartArray();
        foreach (var n in nodes) TreeJson.WriteNode(w, n);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNewline();
        var json = w.ToArray();
        var id = BlobId.Hash(json);
        await writer.SaveBlobAsync(BlobType.Tree, id, json, compress: true, ct);
        return id;
    }

    private static async Task<BlobId> TreeAsync(RepositoryWriter writer, IEnumerable<Forged> nodes, CancellationToken ct)
    {
        var list = new List<Node>();
        var time = GoTime.FromDateTimeOffset(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        foreach (var f in nodes)
        {
            switch (f)
            {
                case ForgedFile file:
                    var id = BlobId.Hash(file.Content);
                    await writer.SaveBlobAsync(BlobType.Data, id, file.Content, compress: false, ct);
                    list.Add(new Node { Name = file.Name, Type = NodeType.File, Mode = 0x1A4, ModTime = time, AccessTime = time, ChangeTime = time,
                        Size = (ulong)file.Content.Length, Content = [id], Links = file.Links, Inode = file.Inode, DeviceId = 1 });
                    break;
                case ForgedDir dir:
                    var sub = await TreeAsync(writer, dir.Children, ct);
                    list.Add(new Node { Name = dir.Name, Type = NodeType.Dir, Mode = GoFileMode.ModeDir | dir.Permissions, ModTime = time, AccessTime = time, ChangeTime = time, Subtree = sub });
                    break;
                case ForgedLink link:
                    list.Add(new Node { Name = link.Name, Type = NodeType.Symlink, Mode = GoFileMode.ModeSymlink | 0x1FF, ModTime = time, AccessTime = time, ChangeTime = time,
                        LinkTarget = Encoding.UTF8.GetBytes(link.Target) });
                    break;
            }
        }
        return await SaveTreeAsync(writer, list, ct);
    }
}
