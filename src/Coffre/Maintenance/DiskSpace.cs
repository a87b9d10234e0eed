using Coffre.Platform;

namespace Coffre.Maintenance;

/// <summary>
/// Whether the file system holding a repository can take what a command is about to write. Checked before
/// anything is written, so a command that cannot finish refuses at once and leaves the repository untouched.
/// </summary>
public static class DiskSpace
{
    private const long MiB = 1 << 20;

    /// <summary>Bytes a write may use on the file system holding <paramref name="path"/> (statvfs f_bavail).</summary>
    public static long Available(string path) => Posix.StatFileSystem(UnixPath.FromString(path)).Available;

    /// <summary>Free space where <paramref name="backend"/> stores objects, or null when it cannot tell.</summary>
    public static async Task<long?> AvailableAsync(Storage.IStorageBackend backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return (await backend.CapacityAsync(ct).ConfigureAwait(false)).AvailableBytes;
    }

    /// <summary>What a check says when the backend cannot tell its free space (the check is then skipped).</summary>
    public static string Unknown(string location) => $"the free space at {location} cannot be known: the check is skipped";

    /// <summary>
    /// What to ask for on top of an estimate: 1 MiB plus 2% for what estimates leave out (tree blobs, pack
    /// headers, index files, file-system blocks).
    /// </summary>
    public static long WithMargin(long bytes) => bytes + MiB + bytes / 50;

    /// <summary>
    /// Throws (exit 1) when <paramref name="needed"/> bytes do not fit in <paramref name="available"/>.
    /// <paramref name="work"/> names what needs the space ("this backup"), <paramref name="detail"/> what the
    /// estimate is made of, <paramref name="advice"/> what the user can do.
    /// </summary>
    public static void EnsureRoom(string location, long needed, long available, string work, string detail, string advice)
    {
        if (needed <= available) return;
        throw new CoffreException(
            $"not enough free space for {work}: it needs about {ByteSize.Format(needed)} ({detail}) on the file system of "
            + $"the repository {location}, which has {ByteSize.Format(available)} free; nothing was written. {advice}");
    }
}
