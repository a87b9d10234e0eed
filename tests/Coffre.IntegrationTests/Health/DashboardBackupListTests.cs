using System.Net;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Server;

namespace Coffre.IntegrationTests.Health;

/// <summary>The dashboard's backup list on a bad day: one damaged backup never replaces the list.</summary>
public class DashboardBackupListTests
{
    [Fact]
    public async Task A_backup_whose_data_pack_is_missing_is_listed_and_marked_and_the_others_keep_their_links()
    {
        using var dir = new TestDirectory("health-list");
        await using var served = await ServedApp.StartAsync(dir);
        var coffre = served.App.Coffre;
        coffre.Ok("backup");
        var before = RepoInspector.Packs(served.App.Repo);
        File.WriteAllBytes(Path.Combine(served.App.Media, "new-photo.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));
        coffre.Ok("backup");
        var types = RepoInspector.PackTypes(coffre, served.App.Repo);
        foreach (var pack in RepoInspector.Packs(served.App.Repo).Except(before).Where(p => types[p] == "data"))
            File.Delete(RepoInspector.PackPath(served.App.Repo, pack));

        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await served.DashboardAsync();
        Assert.DoesNotContain("cannot be listed", page, StringComparison.Ordinal);
        var snapshots = served.History().Where(r => r.Operation == "backup").Select(r => r.SnapshotId!).ToList();
        Assert.Equal(2, snapshots.Count);
        foreach (var id in snapshots) Assert.Contains($"<a href=\"/backups/{id}\">", page, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "its metadata cannot be read"));
        Assert.Contains("coffre check --read-data", page, StringComparison.Ordinal);
    }
}
