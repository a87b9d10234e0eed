using Coffre.Model;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Which snapshots a copy takes, as restic 0.14's <c>--host</c>, <c>--tag</c> and <c>--path</c>: a snapshot matches
/// when it has one of the hosts, one of the tag groups (<c>a,b</c>: both tags) and every path given. An empty list
/// means "any".
/// </summary>
public sealed record SnapshotFilter
{
    public static readonly SnapshotFilter All = new();

    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Tag groups: a snapshot matches a group when it has all of its tags.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tags { get; init; } = [];

    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Parses restic's repeatable <c>--tag a,b</c> values into groups.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TagGroups(IEnumerable<string> values) =>
        [.. (values ?? []).Select(v => (IReadOnlyList<string>)[.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]).Where(g => g.Count > 0)];

    public bool Matches(Snapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (Hosts.Count > 0 && !Hosts.Contains(s.Hostname, StringComparer.Ordinal)) return false;
        var tags = s.Tags ?? [];
        if (Tags.Count > 0 && !Tags.Any(group => group.All(t => tags.Contains(t, StringComparer.Ordinal)))) return false;
        return Paths.All(p => s.Paths.Contains(p, StringComparer.Ordinal));
    }
}
