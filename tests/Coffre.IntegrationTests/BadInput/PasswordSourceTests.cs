using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>Where the password may come from: a private file, the environment, never a prompt without a terminal.</summary>
public class PasswordSourceTests
{
    private static string PasswordFile(TestDirectory dir, UnixFileMode mode)
    {
        var path = dir.Sub("password-" + Convert.ToString((int)mode, 8));
        File.WriteAllText(path, TestPasswords.Default + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Password_file_readable_by_others_is_refused()
    {
        using var dir = new TestDirectory("password-file");
        var small = Scenarios.SmallRepository(dir);
        var file = PasswordFile(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var r = new CoffreRunner(small.Repository, password: null).Run("--password-file", file, "snapshots");

        Errors.AssertOneLine(r, 1, "password file");
        Assert.Empty(RepoInspector.Locks(small.Repository));
        Verify.RepositoryIntact(small.Repository);
    }

    [Fact]
    public void Private_password_file_is_accepted()
    {
        using var dir = new TestDirectory("password-file-ok");
        var small = Scenarios.SmallRepository(dir);
        var file = PasswordFile(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var r = new CoffreRunner(small.Repository, password: null).Run("--password-file", file, "snapshots", "--json");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains(small.SnapshotId, r.StdOut);
    }

    [Fact]
    public void No_password_and_no_terminal_fails_instead_of_prompting()
    {
        using var dir = new TestDirectory("no-password");
        var small = Scenarios.SmallRepository(dir);

        var r = new CoffreRunner(small.Repository, password: null).Run(TimeSpan.FromMinutes(2), "snapshots");

        Errors.AssertOneLine(r, 1, "password");
    }

    [Fact]
    public void Init_without_a_password_creates_nothing()
    {
        using var dir = new TestDirectory("init-no-password");
        var repo = dir.Sub("repo");

        var r = new CoffreRunner(repo, password: null).Run(TimeSpan.FromMinutes(2), "init");

        Errors.AssertOneLine(r, 1, "password");
        Assert.False(File.Exists(Path.Combine(repo, "config")), "no config may be written without a password");
    }
}
