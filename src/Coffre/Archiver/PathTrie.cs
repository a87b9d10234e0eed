namespace Coffre.Archiver;

/// <summary>The backup targets as a tree of path elements, to build the intermediate folders of the root tree.</summary>
internal sealed class PathTrie
{
    public Dictionary<byte[], PathTrie> Children { get; } = new(ByteArrayComparer.Instance);
    public bool IsTarget { get; private set; }
    /// <summary>The real absolute path this tree element is read from.</summary>
    public byte[] FullPath { get; private set; } = [(byte)'/'];

    /// <summary>Adds a target: its absolute path's elements, of which the first <paramref name="skipped"/> stay out of the tree.</summary>
    public void Add(List<byte[]> elements, int skipped)
    {
        var node = this;
        var real = new List<byte[]>(elements.Take(skipped));
        foreach (var e in elements.Skip(skipped))
        {
            if (node.IsTarget) return; // an ancestor is already backed up whole
            real.Add(e);
            if (!node.Children.TryGetValue(e, out var next))
                node.Children[e] = next = new PathTrie { FullPath = Join(real) };
            node = next;
        }
        node.IsTarget = true;
        node.Children.Clear();
    }

    private static byte[] Join(List<byte[]> elements)
    {
        var path = new List<byte>();
        foreach (var e in elements)
        {
            path.Add((byte)'/');
            path.AddRange(e);
        }
        return [.. path];
    }
}

/// <summary>Orders raw names by bytes, as Go compares strings (tree nodes are sorted this way).</summary>
internal sealed class ByteNameComparer : IComparer<byte[]>
{
    public static readonly ByteNameComparer Instance = new();
    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
