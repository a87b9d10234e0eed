using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Restore;

/// <summary>
/// Someone who can write the target (the media folder) replaces a folder the backup has with a symlink to a
/// folder elsewhere. An in-place restore (`restore --overwrite`, an application restore with --include) replaces
/// the link itself with a real folder: nothing where it points is deleted, written or chmod-ed, and the
/// application restore's safety snapshot keeps the link as it was.
/// </summary>
public class PlantedSymlinkRestoreTests
{
    private static string MakeVictim(TestDirectory dir)
    {
        var victim = dir.CreateSub("victim");
        File.WriteAllText(Path.Combine(victim, "precious.txt"), "keep me");
        File.WriteAllText(Path.Combine(victim, "f1"), "the victim's f1");
        File.WriteAllText(Path.Combine(victim, "photo.jpg"), "the victim's photo");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return victim;
    }

    [Fact]
    public void Restore_overwrite_replaces_a_planted_symlink_with_a_folder_and_leaves_what_it_points_to_alone()
    {
        using var dir = new TestDirectory("planted-overwrite");
        var src = dir.CreateSub("src");
        Directory.CreateDirectory(Path.Combine(src, "a", "deeper"));
        File.WriteAllText(Path.Combine(src, "a", "f1"), "f1 of the backup");
        File.WriteAllText(Path.Combine(src, "a", "deeper", "f2"), "f2 of the backup");
        File.SetUnixFileMode(Path.Combine(src, "a"), (UnixFileMode)0x1ED); // 0755
        var coffre = new CoffreRunner(dir.Sub("repo"));
        coffre.Init();
        var snapshot = coffre.Backup(src).SnapshotId;
        var victim = MakeVictim(dir);
        var target = dir.Sub("target");
        var restoredSrc = target + src;
        Directory.CreateDirectory(restoredSrc);
        File.CreateSymbolicLink(Path.Combine(restoredSrc, "a"), victim);
        var before = Outside.State(dir.Path, dir.Sub("repo"), target);

        var r = coffre.Run("restore", snapshot, "--target", target, "--overwrite");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(before, Outside.State(dir.Path, dir.Sub("repo"), target));
        Assert.True(Posix.LStat(UnixPath.FromString(Path.Combine(restoredSrc, "a"))).IsDirectory, "the link is replaced by a real folder");
        Assert.Equal("f1 of the backup", File.ReadAllText(Path.Combine(restoredSrc, "a", "f1")));
        Assert.Equal("f2 of the backup", File.ReadAllText(Path.Combine(restoredSrc, "a", "deeper", "f2")));
    }

    [Theory]
    [InlineData("uploads/2024")] // the folder named by --include
    [InlineData("uploads")]      // a folder on the way to it
    public void Application_restore_of_an_include_never_follows_a_planted_symlink(string planted)
    {
        using var dir = new TestDirectory("planted-app");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        app.Coffre.Ok("backup");
        var victim = MakeVictim(dir);
        Directory.CreateDirectory(Path.Combine(victim, "2024"));
        File.WriteAllText(Path.Combine(victim, "2024", "precious.txt"), "keep me too");
        var link = Path.Combine(app.Media, planted);
        Directory.Delete(link, recursive: true);
        File.CreateSymbolicLink(link, victim);
        var before = Outside.State(dir.Path, app.Root);

        var r = app.Coffre.Run("restore", "latest", "--include", "media/media/uploads/2024", "--force");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(before, Outside.State(dir.Path, app.Root));
        Assert.True(Posix.LStat(UnixPath.FromString(link)).IsDirectory, "the link is replaced by a real folder");
        Assert.Equal("jpeg bytes", File.ReadAllText(Path.Combine(app.Media, "uploads", "2024", "photo.jpg")));

        // The safety snapshot keeps the link itself, so the restore can be undone.
        var safety = app.Coffre.Json("list").EnumerateArray()
            .Single(b => b.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == "pre-restore")).GetProperty("id").GetString()!;
        var undo = dir.Sub("undo");
        new CoffreRunner(app.Repo).Restore(safety, undo);
        var kept = UnixPath.FromString(Path.Combine(undo, "media", "media", planted));
        Assert.True(Posix.LStat(kept).IsSymlink, "the safety snapshot holds the planted link");
        Assert.Equal(victim, System.Text.Encoding.UTF8.GetString(Posix.ReadLink(kept)));
    }

    [Fact]
    public void Application_restore_to_a_target_never_follows_a_symlink_planted_in_it()
    {
        using var dir = new TestDirectory("planted-target");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        app.Coffre.Ok("backup");
        var elsewhere = dir.CreateSub("elsewhere");
        var target = dir.CreateSub("t");
        File.CreateSymbolicLink(Path.Combine(target, "media"), elsewhere);
        var before = Outside.State(dir.Path, app.Root, target);

        var r = app.Coffre.Run("restore", "latest", "--only", "media", "--target", target, "--force");

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Equal(before, Outside.State(dir.Path, app.Root, target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }
}
