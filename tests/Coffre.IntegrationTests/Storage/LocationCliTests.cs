using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Storage;

/// <summary>The command line's -r/COFFRE_REPOSITORY and coffre.json's repository.location, through the one opener.</summary>
public sealed class LocationCliTests
{
    [Fact]
    public void A_local_scheme_location_works_end_to_end_and_restic_reads_it()
    {
        using var dir = new TestDirectory("location-cli");
        var repo = dir.Sub("repo");
        var source = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(source, "a.txt"), "alpha");
        var coffre = new CoffreRunner("local:" + repo);
        coffre.Init();
        coffre.Backup(source);
        new ResticRunner(repo).AssertCheckReadData();
        Assert.Single(coffre.Snapshots());
    }

    [Theory]
    [InlineData("s3:https://127.0.0.1:1/bucket")]
    [InlineData("rest:http://user:hunter2@127.0.0.1:1/")]
    [InlineData("rclone:remote:path")]
    [InlineData("sftp:me@127.0.0.1:/srv/repo")]
    public void A_kind_missing_from_this_build_is_refused_with_exit_10_and_no_secret(string location)
    {
        var kind = location[..location.IndexOf(':', StringComparison.Ordinal)];
        if (Coffre.Storage.BackendOpener.IsAvailable(kind)) return; // plugged in: its own tests cover it
        var r = new CoffreRunner(location).Run("snapshots");
        Errors.AssertOneLine(r, 10, "not available in this build");
        Assert.DoesNotContain("hunter2", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_repository_location_of_coffre_json_is_resolved_from_its_folder()
    {
        using var dir = new TestDirectory("location-json");
        var media = dir.CreateSub("media");
        File.WriteAllText(Path.Combine(media, "m.txt"), "m");
        File.WriteAllText(dir.Sub("coffre.json"), """
            { "application": "shop", "repository": { "location": "local:store", "passwordEnv": "SHOP_PW" }, "media": [ { "path": "media" } ] }
            """);
        var coffre = new CoffreRunner(null) { WorkingDirectory = dir.Path };
        coffre.Environment["SHOP_PW"] = TestPasswords.Default;
        coffre.Ok("init");
        Assert.True(File.Exists(Path.Combine(dir.Sub("store"), "config")));
        coffre.Ok("backup");
        new ResticRunner(dir.Sub("store")).AssertCheckReadData();
        Assert.True(File.Exists(Path.Combine(dir.Sub("logs"), "history.jsonl"))); // the state folder: beside the local repository, as before
    }
}
