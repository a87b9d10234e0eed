using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Archiver;

/// <summary>Builds a tree node from a file's lstat, with the fields restic records for each file type.</summary>
public static class NodeFactory
{
    public static Node FromStatus(byte[] name, in FileStatus st, ReadOnlySpan<byte> path)
    {
        var type = st.IsDirectory ? NodeType.Dir
            : st.IsRegularFile ? NodeType.File
            : st.IsSymlink ? NodeType.Symlink
            : st.IsFifo ? NodeType.Fifo
            : st.IsSocket ? NodeType.Socket
            : st.IsCharDevice ? NodeType.CharDev
            : st.IsBlockDevice ? NodeType.Dev
            : NodeType.Irregular;
        var mtime = ToGo(st.ModifyTime);
        var node = new Node
        {
            Name = name,
            Type = type,
            Mode = GoFileMode.FromUnix(st.Mode),
            ModTime = mtime,
            AccessTime = mtime, // restic stores atime = mtime unless asked otherwise: reading must not change a snapshot
            ChangeTime = ToGo(st.ChangeTime),
            Uid = st.Uid,
            Gid = st.Gid,
            User = UserNames.UserName(st.Uid),
            Group = UserNames.GroupName(st.Gid),
            Inode = st.Inode,
            DeviceId = st.Device,
        };
        switch (type)
        {
            case NodeType.File:
                node.Size = (ulong)st.Size;
                node.Links = st.Links;
                node.Content = [];
                break;
            case NodeType.Symlink:
                node.Links = st.Links;
                node.LinkTarget = Posix.ReadLink(path);
                break;
            case NodeType.Dev:
            case NodeType.CharDev:
                node.Links = st.Links;
                node.Device = st.RDev;
                break;
            // restic records no link count for fifos and sockets: keep tree bytes identical to restic's.
        }
        return node;
    }

    public static GoTime ToGo(UnixTime t) => GoTime.FromUnix(t.Seconds, t.Nanoseconds, GoTime.LocalOffsetSeconds(t.Seconds));

    /// <summary>restic's change test: same type, size, mtime, ctime and inode means the content is unchanged.</summary>
    public static bool IsUnchanged(Node current, Node? previous) =>
        previous is { Type: NodeType.File, Content: not null }
        && current.Type == NodeType.File
        && previous.Size == current.Size
        && SameInstant(previous.ModTime, current.ModTime)
        && SameInstant(previous.ChangeTime, current.ChangeTime)
        && previous.Inode == current.Inode;

    private static bool SameInstant(GoTime a, GoTime b) => a.UnixSeconds == b.UnixSeconds && a.Nanoseconds == b.Nanoseconds;
}
