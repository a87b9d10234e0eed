namespace Coffre.Archiver;

/// <summary>The backup targets as a tree of path elements, to build the intermediate folders of the root tree.</summary>
internal sealed class PathTrie
{
    public Dictionary<byte[], PathTrie> Children { get; } = new(ByteArrayComparer.Instance);
    public bool IsTarget { get; private set; }

    public void Add(List<byte[]> elements)
    {
        var node = this;
        foreach (var e in elements)
        {
            if (node.IsTarget) return; // an ancestor is already backed up whole
            if (!node.Children.TryGetValue(e, out var next)) node.Children[e] = next = new PathTrie();
            node = next;
        }
        node.IsTarget = true;
        node.Children.Clear();
    }
}

/// <summary>Orders raw names by bytes, as Go compares strings (tree nodes are sorted this way).</summary>
internal sealed class ByteNameComparer : IComparer<byte[]>
{
    public static readonly ByteNameComparer Instance = new();
    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
