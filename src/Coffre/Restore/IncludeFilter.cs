namespace Coffre.Restore;

/// <summary>
/// Which snapshot paths a restore with <c>--include</c> touches: a path inside an include is wanted whole; a folder
/// on the way to an include is wanted only as a way through (created, but its other entries are left alone).
/// Lookups cost the depth of the path, not the number of includes (a drill passes thousands).
/// </summary>
public sealed class IncludeFilter
{
    private readonly HashSet<string> _includes;
    private readonly HashSet<string> _ancestors = new(StringComparer.Ordinal);

    public IncludeFilter(IEnumerable<string> includes)
    {
        _includes = new HashSet<string>(includes.Select(Normalize), StringComparer.Ordinal);
        foreach (var inc in _includes)
            for (var p = Parent(inc); p is not null; p = Parent(p)) _ancestors.Add(p);
    }

    public bool IsEmpty => _includes.Count == 0;

    public (bool Wanted, bool Whole) Selects(string snapshotPath)
    {
        if (_includes.Count == 0 || _includes.Contains("/")) return (true, true);
        for (var p = snapshotPath; p is not null; p = Parent(p))
            if (_includes.Contains(p)) return (true, true);
        return (_ancestors.Contains(snapshotPath), false);
    }

    /// <summary>The folder holding a path ("/" for a top-level one), or null for "/".</summary>
    private static string? Parent(string path)
    {
        if (path == "/") return null;
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    public static string Normalize(string p)
    {
        p = p.Replace('\\', '/').TrimEnd('/');
        return p.StartsWith('/') ? p : "/" + p;
    }
}
