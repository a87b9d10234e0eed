namespace Coffre.Restore;

/// <summary>
/// Which snapshot paths a restore with <c>--include</c> touches: a path inside an include is wanted whole; a folder
/// on the way to an include is wanted only as a way through (created, but its other entries are left alone).
/// </summary>
public sealed class IncludeFilter(IEnumerable<string> includes)
{
    private readonly string[] _includes = includes.Select(Normalize).ToArray();

    public bool IsEmpty => _includes.Length == 0;

    public (bool Wanted, bool Whole) Selects(string snapshotPath)
    {
        if (_includes.Length == 0) return (true, true);
        var wanted = false;
        foreach (var inc in _includes)
        {
            if (inc == "/" || snapshotPath == inc || snapshotPath.StartsWith(inc + "/", StringComparison.Ordinal)) return (true, true);
            if (inc.StartsWith(snapshotPath == "/" ? "/" : snapshotPath + "/", StringComparison.Ordinal)) wanted = true;
        }
        return (wanted, false);
    }

    public static string Normalize(string p)
    {
        p = p.Replace('\\', '/').TrimEnd('/');
        return p.StartsWith('/') ? p : "/" + p;
    }
}
