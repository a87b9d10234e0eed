using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Coffre.Jobs;
using Coffre.Archives;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Locking;
using Coffre.Restore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Part of a backup from its page: one file as it was (<c>/backups/ID/file?path=…</c>, its size in Content-Length),
/// its SHA-256 in <c>sha256sum</c>'s format (<c>/backups/ID/sha256?path=…</c>, read from the repository, like the
/// sidecar <c>coffre export</c> writes), and one folder as a .tar.gz (<c>/backups/ID/folder?path=…</c>, the entries
/// as <c>coffre export</c> writes them). Read under a non-exclusive repository lock; a failure after the first bytes
/// aborts the connection, so the browser reports a failed download instead of keeping a truncated file.
/// </summary>
internal static class BackupDownloads
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/backups/{id}/file", File);
        group.MapGet("/backups/{id}/sha256", Sha256);
        group.MapGet("/backups/{id}/folder", Folder);
    }

    private static Task File(HttpContext ctx, string id, string? path, ServerSetup setup, ILoggerFactory logs) =>
        WithNodeAsync(ctx, id, path, NodeType.File, setup, logs, async (repo, node, treePath, name) =>
        {
            ctx.Response.ContentType = "application/octet-stream";
            ctx.Response.ContentLength = (long)node.Size;
            ctx.Response.Headers.ContentDisposition = Attachment(name);
            await using var content = new NodeContentStream(repo, node, treePath);
            await content.CopyToAsync(ctx.Response.Body, 1 << 20, ctx.RequestAborted);
        });

    private static Task Sha256(HttpContext ctx, string id, string? path, ServerSetup setup, ILoggerFactory logs) =>
        WithNodeAsync(ctx, id, path, NodeType.File, setup, logs, async (repo, node, treePath, name) =>
        {
            await using var content = new NodeContentStream(repo, node, treePath);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ctx.RequestAborted));
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync($"{hash}  {name}\n", ctx.RequestAborted);
        });

    private static Task Folder(HttpContext ctx, string id, string? path, ServerSetup setup, ILoggerFactory logs) =>
        WithNodeAsync(ctx, id, path, NodeType.Dir, setup, logs, async (repo, node, treePath, name) =>
        {
            ctx.Response.ContentType = "application/gzip";
            ctx.Response.Headers.ContentDisposition = Attachment((name.Length == 0 ? "backup" : name) + ".tar.gz");
            await using var gzip = new GZipStream(ctx.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            await WriteAsync(repo, tar, node, treePath, name.Length == 0 ? "backup" : name, 0, ctx.RequestAborted);
        });

    /// <summary>A folder and everything below it as tar entries named from the folder down (files, folders, symlinks).</summary>
    private static async Task WriteAsync(Repository.Repository repo, TarWriter tar, Node node, string treePath, string name, int depth, CancellationToken ct)
    {
        switch (node.Type)
        {
            case NodeType.File:
                var entry = TarNodes.ToEntry(node, TarEntryType.RegularFile, name);
                await using (var content = new NodeContentStream(repo, node, treePath))
                {
                    // TarWriter needs the length first: the node's, which the content is checked against as it is read.
                    entry.DataStream = node.Size > 0 ? new LengthCheckedStream(content, (long)node.Size) : null;
                    await tar.WriteEntryAsync(entry, ct);
                }
                break;
            case NodeType.Dir:
                await tar.WriteEntryAsync(TarNodes.ToEntry(node, TarEntryType.Directory, name + "/"), ct);
                if (node.Subtree is not { } sub) break;
                if (depth >= NodeName.MaxTreeDepth) throw new CoffreException($"{treePath}: folders nested deeper than {NodeName.MaxTreeDepth} levels");
                foreach (var child in await repo.LoadTreeAsync(sub, treePath, ct))
                {
                    var childName = child.DisplayName;
                    if (childName is "." or ".." || childName.Contains('/', StringComparison.Ordinal)) continue; // never outside the folder
                    await WriteAsync(repo, tar, child, treePath.TrimEnd('/') + "/" + childName, name + "/" + childName, depth + 1, ct);
                }
                break;
            case NodeType.Symlink:
                var link = TarNodes.ToEntry(node, TarEntryType.SymbolicLink, name);
                link.LinkName = Node.ToDisplayString(node.LinkTarget ?? []);
                await tar.WriteEntryAsync(link, ct);
                break;
        }
    }

    private delegate Task NodeAction(Repository.Repository repo, Node node, string treePath, string name);

    /// <summary>Finds the file or folder <paramref name="path"/> of backup <paramref name="id"/> (404 with one line when it is not there), then runs <paramref name="action"/> on it under a repository lock.</summary>
    private static async Task WithNodeAsync(HttpContext ctx, string id, string? path, NodeType type, ServerSetup setup, ILoggerFactory logs, NodeAction action)
    {
        var log = logs.CreateLogger("Coffre.Server.Download");
        Repository.Repository repo;
        Node node;
        string treePath;
        try
        {
            if (!BackupEndpoints.IsSnapshotId(id)) throw new CoffreException(BackupEndpoints.NotAnId);
            if (path is null) throw new CoffreException("give the path of a file or folder of the backup (?path=/media/…)");
            if (path.Length > BackupEndpoints.MaxPathLength) throw new CoffreException($"the path is longer than {BackupEndpoints.MaxPathLength} characters");
            var parts = TreePaths.Split(path);
            if (parts.Length > NodeName.MaxTreeDepth) throw new CoffreException($"the path is deeper than {NodeName.MaxTreeDepth} folders");
            treePath = "/" + string.Join('/', parts);
            repo = await new BackupManager(setup.Config, setup.Clock, setup.Environment).OpenRepositoryAsync(null, ctx.RequestAborted);
            var entry = await repo.FindSnapshotAsync(id, ctx.RequestAborted);
            node = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, treePath, ctx.RequestAborted) switch
            {
                { } n when n.Type == type => n,
                null => throw new CoffreException($"{treePath} is not in backup {entry.Id.ToShortString()}"),
                _ => throw new CoffreException($"{treePath} is not a {(type == NodeType.File ? "file" : "folder")} in backup {entry.Id.ToShortString()}"),
            };
        }
        catch (Exception e) when (e is CoffreException or InvalidTreeException)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync(Limited(e.Message) + "\n", ctx.RequestAborted);
            return;
        }
        var name = treePath == "/" ? "" : treePath[(treePath.LastIndexOf('/') + 1)..];
        log.LogInformation("{Path} of backup {Id} downloaded by {User}", treePath, id, ctx.User.Identity?.Name);
        try
        {
            await using var held = await RepositoryLock.AcquireAsync(repo, exclusive: false, setup.Clock, ctx.RequestAborted);
            await action(repo, node, treePath, name);
        }
        catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            log.LogError("the download of {Path} of backup {Id} failed: {Message}", treePath, id, e.Message);
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
                ctx.Response.ContentLength = null;
                await ctx.Response.WriteAsync("the download failed: " + Limited(e.Message) + "\n", CancellationToken.None);
            }
            else ctx.Abort();
        }
    }

    private static string Limited(string message) => message.Length > 500 ? message[..500] + "…" : message;

    private static string Attachment(string name) => new System.Net.Mime.ContentDisposition { FileName = name }.ToString();

    /// <summary>The content of a file node (of a known length, read forward only), refused when the repository's data is shorter or longer than the node says (a tar entry must be exactly its header's length).</summary>
    private sealed class LengthCheckedStream(Stream inner, long length) : Stream
    {
        private long read;

        public override bool CanRead => true;
        // Seekable in name only, like KnownLengthStream: TarWriter then takes the length from Length and writes the header first.
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => read; set => Seek(value, SeekOrigin.Begin); }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => read + offset, _ => length + offset };
            return target == read ? read : throw new NotSupportedException("this stream only reads forward");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            read += n;
            if (read > length || (n == 0 && read != length && buffer.Length > 0))
                throw new InvalidDataException($"the file's data is {(read > length ? "longer" : "shorter")} than its recorded size ({length} bytes)");
            return n;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
