using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Keys;

/// <summary>coffre key add/passwd/remove/list, each checked with restic as the oracle.</summary>
public class KeyCommandTests
{
    private const string NewPassword = "a new password for the backups";

    [Fact]
    public void Added_password_opens_the_repository_in_restic_with_its_user_and_host()
    {
        using var dir = new TestDirectory("key-add");
        var small = Scenarios.SmallRepository(dir);
        var file = KeyFiles.PasswordFile(dir, NewPassword);

        small.Coffre.Ok("key", "add", "--new-password-file", file, "--user", "bob", "--host", "web1");

        KeyFiles.AssertResticOpens(small.Repository, NewPassword, 1);
        KeyFiles.AssertResticOpens(small.Repository, TestPasswords.Default, 1); // the first password still works
        var keys = KeyFiles.List(new CoffreRunner(small.Repository, NewPassword));
        var added = Assert.Single(keys, k => k.GetProperty("current").GetBoolean());
        Assert.Equal(("bob", "web1"), (added.GetProperty("userName").GetString(), added.GetProperty("hostName").GetString()));
        var resticList = new ResticRunner(small.Repository, NewPassword).Ok("key", "list").StdOut;
        Assert.Contains("bob", resticList, StringComparison.Ordinal);
        Assert.Contains("web1", resticList, StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(Path.Combine(small.Repository, "keys")), f =>
            Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(f)));
        Restic.AssertCheckReadData(small.Repository, NewPassword);
    }

    [Fact]
    public void Passwd_replaces_the_password_for_coffre_and_restic()
    {
        using var dir = new TestDirectory("key-passwd");
        var small = Scenarios.SmallRepository(dir);
        var before = KeyFiles.Names(small.Repository);
        var file = KeyFiles.PasswordFile(dir, NewPassword);

        small.Coffre.Ok("key", "passwd", "--new-password-file", file);

        var after = KeyFiles.Names(small.Repository);
        Assert.Equal(before.Count, after.Count);
        Assert.Single(before.Except(after)); // exactly the key in use went
        KeyFiles.AssertResticOpens(small.Repository, NewPassword, 1);
        KeyFiles.AssertResticRefuses(small.Repository, TestPasswords.Default);
        Errors.AssertOneLine(small.Coffre.Run("snapshots"), 12, "password");
        Assert.Single(new CoffreRunner(small.Repository, NewPassword).Snapshots());
        Restic.AssertCheckReadData(small.Repository, NewPassword);
    }

    [Fact]
    public void Passwd_with_a_wrong_current_password_exits_12_and_changes_nothing()
    {
        using var dir = new TestDirectory("key-passwd-wrong");
        var small = Scenarios.SmallRepository(dir);
        var before = KeyFiles.Names(small.Repository);
        var file = KeyFiles.PasswordFile(dir, NewPassword);

        var r = new CoffreRunner(small.Repository, "not the password").Run("key", "passwd", "--new-password-file", file);

        Errors.AssertOneLine(r, 12, "password");
        Assert.Equal(before, KeyFiles.Names(small.Repository));
        KeyFiles.AssertResticRefuses(small.Repository, NewPassword);
        KeyFiles.AssertResticOpens(small.Repository, TestPasswords.Default, 1);
        Assert.Empty(RepoInspector.Locks(small.Repository));
    }

    [Fact]
    public void Remove_takes_away_one_password_and_keeps_the_others()
    {
        using var dir = new TestDirectory("key-remove");
        var small = Scenarios.SmallRepository(dir);
        var first = Assert.Single(KeyFiles.List(small.Coffre), k => k.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
        small.Coffre.Ok("key", "add", "--new-password-file", KeyFiles.PasswordFile(dir, NewPassword));
        var other = new CoffreRunner(small.Repository, NewPassword);

        var r = other.Ok("key", "remove", first);

        Assert.Contains(first, r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyFiles.Names(small.Repository), n => n.StartsWith(first, StringComparison.Ordinal));
        KeyFiles.AssertResticRefuses(small.Repository, TestPasswords.Default);
        Errors.AssertOneLine(small.Coffre.Run("snapshots"), 12, "password");
        KeyFiles.AssertResticOpens(small.Repository, NewPassword, 1);
        Restic.AssertCheckReadData(small.Repository, NewPassword);
    }

    [Fact]
    public void Removing_the_key_in_use_needs_force()
    {
        using var dir = new TestDirectory("key-remove-current");
        var small = Scenarios.SmallRepository(dir);
        var current = Assert.Single(KeyFiles.List(small.Coffre), k => k.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
        var before = KeyFiles.Names(small.Repository);

        Errors.AssertOneLine(small.Coffre.Run("key", "remove", current), 1, "in use", "--force");
        Assert.Equal(before, KeyFiles.Names(small.Repository));

        small.Coffre.Ok("key", "remove", current, "--force");
        Assert.Equal(before.Count - 1, KeyFiles.Names(small.Repository).Count);
        Errors.AssertOneLine(small.Coffre.Run("snapshots"), 12, "password");
    }

    [Fact]
    public void The_only_key_cannot_be_removed()
    {
        using var dir = new TestDirectory("key-remove-last");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Ok("init", "--no-recovery-key");
        var only = Assert.Single(KeyFiles.Names(repo));

        Errors.AssertOneLine(coffre.Run("key", "remove", only[..8], "--force"), 1, "only key");

        Assert.Equal([only], KeyFiles.Names(repo));
        KeyFiles.AssertResticOpens(repo, TestPasswords.Default, 0);
    }

    [Fact]
    public void A_new_password_file_readable_by_others_is_refused()
    {
        using var dir = new TestDirectory("key-add-mode");
        var small = Scenarios.SmallRepository(dir);
        var before = KeyFiles.Names(small.Repository);
        var file = KeyFiles.PasswordFile(dir, NewPassword, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Errors.AssertOneLine(small.Coffre.Run("key", "add", "--new-password-file", file), 1, "readable by group or others");
        Errors.AssertOneLine(small.Coffre.Run("key", "passwd", "--new-password-file", file), 1, "readable by group or others");

        Assert.Equal(before, KeyFiles.Names(small.Repository));
        Assert.Empty(RepoInspector.Locks(small.Repository));
    }

    [Fact]
    public void Without_a_new_password_file_and_no_terminal_nothing_is_added()
    {
        using var dir = new TestDirectory("key-add-nopass");
        var small = Scenarios.SmallRepository(dir);
        var before = KeyFiles.Names(small.Repository);

        Errors.AssertOneLine(small.Coffre.Run("key", "add"), 1, "--new-password-file");
        Errors.AssertOneLine(small.Coffre.Run("key", "passwd"), 1, "--new-password-file");

        Assert.Equal(before, KeyFiles.Names(small.Repository));
    }

    [Fact]
    public void List_marks_the_key_in_use_and_the_recovery_key()
    {
        using var dir = new TestDirectory("key-list");
        var small = Scenarios.SmallRepository(dir);

        var lines = small.Coffre.Ok("key", "list").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var current = Assert.Single(lines, l => l.StartsWith('*'));
        Assert.DoesNotContain("recovery", current, StringComparison.Ordinal);
        var recovery = Assert.Single(lines, l => l.Contains("recovery key", StringComparison.Ordinal));
        Assert.StartsWith(" ", recovery, StringComparison.Ordinal);
        Assert.Contains("coffre", recovery, StringComparison.Ordinal);
        var json = KeyFiles.List(small.Coffre);
        Assert.Equal(2, json.Count);
        Assert.All(json, k => Assert.Equal(8, k.GetProperty("id").GetString()!.Length));
        Assert.Single(json, k => k.GetProperty("recovery").GetBoolean() && !k.GetProperty("current").GetBoolean());
    }
}
