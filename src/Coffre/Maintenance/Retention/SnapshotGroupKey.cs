using Coffre.Model;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// The group a snapshot's retention is decided in. An application's snapshots (tag <c>app:&lt;name&gt;</c>) are
/// grouped by host and application, whatever their paths, so a safety snapshot of part of the application
/// (<c>pre-restore</c>) or an imported one is rotated with the regular backups. Other snapshots are grouped by host
/// and paths, as restic's default <c>--group-by host,paths</c> does.
/// </summary>
public sealed record SnapshotGroupKey(string Host, string? Application, IReadOnlyList<string>? Paths)
{
    public const string AppTagPrefix = "app:";

    public static SnapshotGroupKey Of(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var app = snapshot.Tags?.Where(t => t.StartsWith(AppTagPrefix, StringComparison.Ordinal) && t.Length > AppTagPrefix.Length)
            .Order(StringComparer.Ordinal).FirstOrDefault();
        return app is not null
            ? new SnapshotGroupKey(snapshot.Hostname, app[AppTagPrefix.Length..], null)
            : new SnapshotGroupKey(snapshot.Hostname, null, [.. snapshot.Paths.Order(StringComparer.Ordinal)]);
    }

    /// <summary>For messages: <c>application shop on host web1</c> or <c>/srv/a, /srv/b on host web1</c>.</summary>
    public override string ToString() => Application is not null
        ? $"application {Application} on host {Host}"
        : $"{string.Join(", ", Paths ?? [])} on host {Host}";

    public bool Equals(SnapshotGroupKey? other) =>
        other is not null && Host == other.Host && Application == other.Application &&
        (Paths ?? []).SequenceEqual(other.Paths ?? []) && (Paths is null) == (other.Paths is null);

    public override int GetHashCode() => HashCode.Combine(Host, Application, string.Join('\0', Paths ?? []));

    /// <summary>Order of the groups in the output: host, then applications before paths.</summary>
    public static int Compare(SnapshotGroupKey a, SnapshotGroupKey b)
    {
        var c = string.CompareOrdinal(a.Host, b.Host);
        if (c != 0) return c;
        c = (a.Application is null).CompareTo(b.Application is null);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Application, b.Application);
        return c != 0 ? c : string.CompareOrdinal(string.Join('\0', a.Paths ?? []), string.Join('\0', b.Paths ?? []));
    }
}
