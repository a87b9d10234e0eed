using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Restore;

/// <summary>Applies a node's owner, mode and times to a restored path (owner only when running as root).</summary>
internal static class MetadataWriter
{
    private static readonly bool IsRoot = Posix.EffectiveUserId == 0;

    public static void Apply(byte[] path, Node node, List<string> warnings)
    {
        try
        {
            if (IsRoot) Posix.LChown(path, ResolveUid(node), ResolveGid(node));
            if (node.Type != NodeType.Symlink) Posix.Chmod(path, GoFileMode.ToUnixPermissions(node.Mode));
            Posix.SetTimes(path, ToUnix(node.AccessTime), ToUnix(node.ModTime));
        }
        catch (PosixException e)
        {
            lock (warnings) warnings.Add(e.Message);
        }
    }

    // restic restores numeric IDs; the names are informational.
    private static uint ResolveUid(Node n) => n.Uid;
    private static uint ResolveGid(Node n) => n.Gid;

    public static UnixTime ToUnix(GoTime t) => new(t.UnixSeconds, t.Nanoseconds);
}
