using System.IO.Enumeration;
using Coffre.Maintenance;

namespace Coffre.Metrics;

/// <summary>How much disk a repository folder takes, and how much is left on its file system.</summary>
public static class RepositoryUsage
{
    /// <summary>Whether the folder holds a repository: its <c>config</c> file is there (a lost mount leaves an empty folder).</summary>
    public static bool IsRepository(string repository) => File.Exists(Path.Combine(repository, "config"));

    /// <summary>
    /// The sum of the sizes of the files under <paramref name="repository"/> (one stat per file; symbolic links are
    /// not followed); null when the folder does not exist. Sizes, not allocated blocks: what a copy of the
    /// repository (rclone, a cloud bucket) would hold.
    /// </summary>
    public static long? SizeOnDisk(string repository)
    {
        if (!Directory.Exists(repository)) return null;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false, // an unreadable folder would make the size look smaller than it is: fail instead
            ReturnSpecialDirectories = false,
        };
        // Lengths straight from the enumeration's entries: no FileInfo per pack file. A file removed meanwhile (a prune
        // running) counts 0 instead of failing the collection.
        var lengths = new FileSystemEnumerable<long>(repository, (ref FileSystemEntry entry) => entry.Length, options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
        };
        return lengths.Sum();
    }

    /// <summary>Bytes an unprivileged write may still use on the repository's file system (statvfs f_bavail); null when the folder does not exist.</summary>
    public static long? FreeBytes(string repository) => Directory.Exists(repository) ? DiskSpace.Available(repository) : null;
}
