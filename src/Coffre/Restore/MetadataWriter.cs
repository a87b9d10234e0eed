using Coffre.Model;
using Coffre.Platform;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Restore;

/// <summary>
/// Applies a node's owner (only when running as root), mode and times: through the open descriptor of a file or
/// folder, or by name inside its folder without following a symlink, so nothing outside the target is changed.
/// </summary>
internal static class MetadataWriter
{
    private static readonly bool IsRoot = Posix.EffectiveUserId == 0;

    /// <summary>A restored file or folder, through its descriptor.</summary>
    public static void Apply(SafeFileHandle handle, byte[] path, Node node, List<string> warnings)
        => Warn(warnings, () => Posix.SetMetadata(handle, path, IsRoot ? node.Uid : null, IsRoot ? node.Gid : null,
            GoFileMode.ToUnixPermissions(node.Mode), ToUnix(node.AccessTime), ToUnix(node.ModTime)));

    /// <summary>A folder, through its handle.</summary>
    public static void Apply(DirectoryHandle folder, Node node, List<string> warnings)
        => Warn(warnings, () => folder.SetMetadata(IsRoot ? node.Uid : null, IsRoot ? node.Gid : null,
            GoFileMode.ToUnixPermissions(node.Mode), ToUnix(node.AccessTime), ToUnix(node.ModTime)));

    /// <summary>A symlink, FIFO or device by name in its folder (a symlink's mode is not applied: Linux has none).</summary>
    public static void Apply(DirectoryHandle folder, byte[] name, Node node, List<string> warnings)
        => Warn(warnings, () =>
        {
            if (IsRoot) folder.SetOwner(name, node.Uid, node.Gid);
            if (node.Type != NodeType.Symlink) folder.SetPermissions(name, GoFileMode.ToUnixPermissions(node.Mode));
            folder.SetTimes(name, ToUnix(node.AccessTime), ToUnix(node.ModTime));
        });

    private static void Warn(List<string> warnings, Action apply)
    {
        try { apply(); }
        catch (PosixException e) { lock (warnings) warnings.Add(e.Message); }
    }

    public static UnixTime ToUnix(GoTime t) => new(t.UnixSeconds, t.Nanoseconds);
}
