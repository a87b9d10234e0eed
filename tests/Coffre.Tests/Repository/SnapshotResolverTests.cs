using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository;

/// <summary>The one snapshot grammar: latest, an ID or its prefix (any case), YYYYMMDD_HHMMSS; within an application or the whole repository.</summary>
public class SnapshotResolverTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    private static async Task<(Repo Repo, BlobId Old, BlobId Backup, BlobId Safety, BlobId Other)> RepositoryAsync()
    {
        var repo = await Repo.InitAsync(new MemoryBackend(), "pw"u8.ToArray(), TimeProvider.System, default);
        await using var session = await repo.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default);
        async Task<BlobId> Save(DateTimeOffset time, params string[] tags) => await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(new Snapshot
        {
            Time = GoTime.FromDateTimeOffset(time), Paths = ["/app"], Hostname = "h", Tags = [.. tags],
        }), default);
        var old = await Save(Monday.AddDays(-1), "coffre", "app:shop");
        var backup = await Save(Monday, "coffre", "app:shop");
        var safety = await Save(Monday.AddHours(1), "coffre", "app:shop", "pre-restore");
        var other = await Save(Monday.AddHours(2), "coffre", "app:blog");
        return (repo, old, backup, safety, other);
    }

    [Fact]
    public async Task Latest_is_the_newest_snapshot_or_the_applications_newest_backup_that_is_not_a_safety_snapshot()
    {
        var (repo, _, backup, _, other) = await RepositoryAsync();
        Assert.Equal(other, (await SnapshotResolver.ResolveAsync(repo, null, "latest", default)).Id);
        Assert.Equal(other, (await repo.FindSnapshotAsync("latest", default)).Id);
        Assert.Equal(backup, (await SnapshotResolver.ResolveAsync(repo, "app:shop", "latest", default)).Id);
    }

    [Fact]
    public async Task An_ID_prefix_in_any_case_and_a_stamp_name_one_snapshot()
    {
        var (repo, old, _, safety, _) = await RepositoryAsync();
        Assert.Equal(safety, (await repo.FindSnapshotAsync(safety.ToString()[..10].ToUpperInvariant(), default)).Id);
        Assert.Equal(safety, (await SnapshotResolver.ResolveAsync(repo, "app:shop", safety.ToString(), default)).Id);
        Assert.Equal(old, (await SnapshotResolver.ResolveAsync(repo, "app:shop", "20261206_103000", default, TimeZoneInfo.Utc)).Id);
        Assert.Equal(old, (await repo.FindSnapshotAsync(SnapshotResolver.Stamp(Monday.AddDays(-1)), default)).Id);
    }

    [Fact]
    public async Task A_snapshot_of_another_application_is_not_found_within_this_one()
    {
        var (repo, _, _, _, other) = await RepositoryAsync();
        var e = await Assert.ThrowsAsync<CoffreException>(() => SnapshotResolver.ResolveAsync(repo, "app:shop", other.ToString()[..12], default));
        Assert.Contains("no backup of shop is named", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "names no snapshot")]
    [InlineData("../x", "names no snapshot")]
    [InlineData("latest2", "names no snapshot")]
    [InlineData("19990101_000000", "no snapshot with ID 19990101_000000")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "no snapshot with ID")]
    public async Task What_names_nothing_says_so(string reference, string message)
    {
        var (repo, _, _, _, _) = await RepositoryAsync();
        var e = await Assert.ThrowsAsync<CoffreException>(() => repo.FindSnapshotAsync(reference, default));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefix_several_IDs_share_is_refused_naming_them()
    {
        var repo = await Repo.InitAsync(new MemoryBackend(), "pw"u8.ToArray(), TimeProvider.System, default);
        var ids = new List<BlobId>();
        for (var i = 0; i < 17; i++) // 17 IDs, 16 hex digits: two of them start alike
            ids.Add(await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(new Snapshot
            {
                Time = GoTime.FromDateTimeOffset(Monday.AddMinutes(i)), Paths = ["/app"], Hostname = "h",
            }), default));
        var shared = ids.GroupBy(id => id.ToString()[..1]).First(g => g.Count() > 1);

        var e = await Assert.ThrowsAsync<CoffreException>(() => repo.FindSnapshotAsync(shared.Key, default));

        Assert.Contains("give more characters", e.Message, StringComparison.Ordinal);
        Assert.Contains(shared.First().ToShortString(), e.Message, StringComparison.Ordinal);
    }
}
