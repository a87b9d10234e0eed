using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Restore;

/// <summary>
/// The folders a restore made, each as (parent, name), so that it can reach them again after the walk (to apply
/// folder metadata, make hard links, remove files that could not be restored) through descriptors from the target
/// down, one name at a time and never following a symlink, rather than by path. Memory is one entry per folder;
/// descriptors are one per level of the folder being reached (at most <see cref="NodeName.MaxTreeDepth"/>).
/// </summary>
internal sealed class RestoredFolders(DirectoryHandle root) : IDisposable
{
    public const int Root = 0;
    private readonly List<(int Parent, byte[] Name, Node? Node)> _folders = [(-1, [], null)];
    private readonly List<(int Index, DirectoryHandle Handle)> _chain = [];

    public int Count => _folders.Count;

    public DirectoryHandle Target => root;

    /// <summary>Records a folder made inside <paramref name="parent"/>; <paramref name="node"/> (null: none) is applied to it at the end.</summary>
    public int Add(int parent, byte[] name, Node? node)
    {
        lock (_folders)
        {
            _folders.Add((parent, name, node));
            return _folders.Count - 1;
        }
    }

    /// <summary>The snapshot folder the target itself stands for (a restore of one folder), applied to the target at the end.</summary>
    public void SetTargetNode(Node node) => _folders[Root] = (-1, [], node);

    public Node? NodeOf(int index) => _folders[index].Node;

    /// <summary>
    /// Opens folder <paramref name="index"/> again. The handle belongs to this object and stays valid until the
    /// next call; consecutive calls for neighbouring folders reuse the descriptors of their common ancestors.
    /// </summary>
    public DirectoryHandle Open(int index)
    {
        var path = Ancestry(index);
        var keep = 0;
        while (keep < _chain.Count && keep < path.Count && _chain[keep].Index == path[keep]) keep++;
        for (var i = _chain.Count - 1; i >= keep; i--) _chain[i].Handle.Dispose();
        _chain.RemoveRange(keep, _chain.Count - keep);
        for (var i = keep; i < path.Count; i++)
        {
            var parent = i == 0 ? root : _chain[i - 1].Handle;
            _chain.Add((path[i], parent.OpenDirectory(_folders[path[i]].Name)));
        }
        return path.Count == 0 ? root : _chain[^1].Handle;
    }

    /// <summary>Opens folder <paramref name="index"/> as a handle of the caller's own (dispose it); the target itself is returned as a new handle too.</summary>
    public DirectoryHandle OpenOwn(int index)
    {
        var path = Ancestry(index);
        var current = root.OpenDirectory("."u8);
        foreach (var i in path)
        {
            var next = current.OpenDirectory(_folders[i].Name);
            current.Dispose();
            current = next;
        }
        return current;
    }

    /// <summary>The indices from the target's child down to <paramref name="index"/> (empty for the target).</summary>
    private List<int> Ancestry(int index)
    {
        var path = new List<int>();
        for (var i = index; i != Root; i = _folders[i].Parent) path.Add(i);
        path.Reverse();
        return path;
    }

    public void Dispose()
    {
        foreach (var (_, handle) in _chain) handle.Dispose();
        _chain.Clear();
    }
}
