using System.Text;
using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Tests.Maintenance.Retention;

/// <summary>Snapshots for retention tests: a name (its ID is the name's hash), an RFC 3339 time, tags, host and paths.</summary>
internal static class Snapshots
{
    public static SnapshotEntry At(string name, string time, string[]? tags = null, string host = "web1", string[]? paths = null) =>
        new(BlobId.Hash(Encoding.UTF8.GetBytes(name)), new Snapshot
        {
            Time = GoTime.Parse(time),
            Hostname = host,
            Paths = [.. paths ?? ["/srv/app"]],
            Tags = tags is null ? null : [.. tags],
        });

    public static TimeZoneInfo Paris => TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>A "now" far after every test snapshot: no snapshot is in the future.</summary>
    public static readonly DateTimeOffset Later = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
