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
        var folder = new DirectoryInfo(repository);
        if (!folder.Exists) return null;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false, // an unreadable folder would make the size look smaller than it is: fail instead
            ReturnSpecialDirectories = false,
        };
        return folder.EnumerateFiles("*", options).Sum(f => f.Length);
    }

    /// <summary>Bytes an unprivileged write may still use on the repository's file system (statvfs f_bavail); null when the folder does not exist.</summary>
    public static long? FreeBytes(string repository) => Directory.Exists(repository) ? DiskSpace.Available(repository) : null;
}
