using System.Security.Cryptography;
using Coffre.Platform;

namespace Coffre.IO;

/// <summary>
/// Writes a file so that its final name never shows a half-written file: the content goes to
/// <c>NAME.tmp-RANDOM</c> in the same folder, is flushed to disk (fsync), and only then gets its final name.
/// On failure or cancellation the temp file is removed.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Creates <paramref name="path"/> through a temp file that <paramref name="write"/> fills. Without
    /// <paramref name="overwrite"/> an existing file is never replaced (checked before and, where the file system has
    /// hard links, atomically at the end).
    /// </summary>
    public static async Task<T> WriteAsync<T>(string path, bool overwrite, uint permissions, Func<Stream, CancellationToken, Task<T>> write, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new CoffreException($"cannot write {path}: the folder {folder} does not exist");
        if (!overwrite) RefuseExisting(path, full);
        var temp = UnixPath.FromString($"{full}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        var final = UnixPath.FromString(full);
        try
        {
            T result;
            var handle = Posix.CreateFile(temp, permissions, exclusive: true);
            await using (var file = new FileStream(handle, FileAccess.Write, bufferSize: 0))
            {
                result = await write(file, ct).ConfigureAwait(false);
                await file.FlushAsync(ct).ConfigureAwait(false);
                Posix.Fsync(handle);
            }
            ct.ThrowIfCancellationRequested();
            Publish(temp, final, path, overwrite);
            Posix.FsyncDirectory(UnixPath.FromString(folder));
            return result;
        }
        catch
        {
            if (Posix.Exists(temp)) Posix.Unlink(temp);
            throw;
        }
    }

    /// <summary>Writes small content (a sidecar) atomically.</summary>
    public static Task WriteAllBytesAsync(string path, byte[] content, bool overwrite, uint permissions, CancellationToken ct) =>
        WriteAsync(path, overwrite, permissions, async (stream, token) =>
        {
            await stream.WriteAsync(content, token).ConfigureAwait(false);
            return true;
        }, ct);

    public static void RefuseExisting(string path, string? full = null)
    {
        if (Posix.Exists(UnixPath.FromString(full ?? Path.GetFullPath(path))))
            throw new CoffreException($"{path} already exists: choose another name, or replace it with --force");
    }

    /// <summary>Gives the temp file its final name: rename(2) when replacing is allowed, else link(2), which fails on an existing name.</summary>
    private static void Publish(byte[] temp, byte[] final, string display, bool overwrite)
    {
        if (overwrite)
        {
            Posix.Rename(temp, final);
            return;
        }
        try
        {
            Posix.Link(temp, final);
            Posix.Unlink(temp);
        }
        catch (PosixException e) when (e.Errno == Errno.EEXIST)
        {
            throw new CoffreException($"{display} already exists: choose another name, or replace it with --force");
        }
        catch (PosixException) when (!Posix.Exists(final))
        {
            // A file system without hard links (FAT, some network shares): the check made before is all we have.
            Posix.Rename(temp, final);
        }
    }
}
