using Coffre.Maintenance;
using Coffre.Platform;

namespace Coffre.Alerts;

/// <summary>Whether the file system of a repository has less free space than the configured threshold.</summary>
public static class DiskSpaceThreshold
{
    /// <summary>
    /// Why the free space is too low (one line), or null when it is not (or no threshold is set). Below
    /// <paramref name="percent"/> of the file system's size, or below <paramref name="bytes"/>: either is enough.
    /// </summary>
    public static string? Problem(FileSystemSpace space, string location, double? percent, long? bytes)
    {
        var freePercent = space.Total > 0 ? 100.0 * space.Available / space.Total : 0;
        var below = (percent is { } p && freePercent < p) || (bytes is { } b && space.Available < b);
        if (!below) return null;
        var threshold = string.Join(" or ", new[]
        {
            percent is { } pp ? $"{pp:0.##}%" : null,
            bytes is { } bb ? ByteSize.Format(bb) : null,
        }.Where(x => x is not null));
        return $"the file system of the repository {location} has {ByteSize.Format(space.Available)} free ({freePercent:0.#}% of {ByteSize.Format(space.Total)}), below the alert threshold of {threshold}";
    }

    /// <summary>Measures the file system holding <paramref name="path"/> (statvfs) and applies <see cref="Problem(FileSystemSpace, string, double?, long?)"/>.</summary>
    /// <remarks>A remote repository's free space cannot be measured here: no problem is reported for it.</remarks>
    public static string? Problem(string path, double? percent, long? bytes) =>
        percent is null && bytes is null || !Storage.RepositoryLocation.Parse(path).IsLocal ? null
            : Problem(Posix.StatFileSystem(UnixPath.FromString(path)), path, percent, bytes);
}
