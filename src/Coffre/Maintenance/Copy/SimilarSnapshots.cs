using Coffre.Model;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// restic 0.14's test for "this snapshot was already copied": everything but <c>parent</c> and <c>original</c> is
/// the same (time to the nanosecond whatever its zone, tree, host, user, uid, gid, the same set of paths and of tags, the same excludes in order).
/// </summary>
public static class SimilarSnapshots
{
    public static bool AreSimilar(Snapshot a, Snapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Time.UnixSeconds != b.Time.UnixSeconds || a.Time.Nanoseconds != b.Time.Nanoseconds || a.Tree != b.Tree || a.Hostname != b.Hostname
            || a.Username != b.Username || a.Uid != b.Uid || a.Gid != b.Gid)
            return false;
        var (aExcludes, bExcludes) = (a.Excludes ?? [], b.Excludes ?? []);
        var (aTags, bTags) = (a.Tags ?? [], b.Tags ?? []);
        if (a.Paths.Count != b.Paths.Count || aTags.Count != bTags.Count || aExcludes.Count != bExcludes.Count) return false;
        return b.Paths.All(p => a.Paths.Contains(p, StringComparer.Ordinal))
            && bTags.All(t => aTags.Contains(t, StringComparer.Ordinal))
            && aExcludes.SequenceEqual(bExcludes, StringComparer.Ordinal);
    }
}
