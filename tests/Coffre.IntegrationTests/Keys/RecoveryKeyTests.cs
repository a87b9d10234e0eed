using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Keys;

/// <summary>The recovery code made by init: a password of its own, for Coffre and restic alike.</summary>
public class RecoveryKeyTests
{
    [Fact]
    public void Init_prints_a_recovery_code_that_opens_the_repository_in_coffre_and_restic()
    {
        using var dir = new TestDirectory("recovery");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        var init = coffre.Json("init");
        var code = init.GetProperty("recovery_key").GetString()!;
        Assert.Matches("^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$", code);
        var tree = TreeGenerator.CreateRandomFiles(Coffre.Platform.UnixPath.FromString(dir.Sub("src")), seed: 5, 300_000, 2_000);
        coffre.Backup(tree.RootText);

        var byCode = new CoffreRunner(repo, code);
        Assert.Single(byCode.Snapshots());
        var current = Assert.Single(KeyFiles.List(byCode), k => k.GetProperty("current").GetBoolean());
        Assert.True(current.GetProperty("recovery").GetBoolean());
        Assert.Equal(("coffre", "recovery"), (current.GetProperty("userName").GetString(), current.GetProperty("hostName").GetString()));
        // Typed loosely: lower case, spaces for dashes, O for 0 and l for 1.
        var loose = code.ToLowerInvariant().Replace('-', ' ').Replace('0', 'o').Replace('1', 'l');
        Assert.Single(new CoffreRunner(repo, loose).Snapshots());

        KeyFiles.AssertResticOpens(repo, code, 1);
        var target = dir.Sub("restored");
        new ResticRunner(repo, code).Ok("restore", "latest", "--target", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        Restic.AssertCheckReadData(repo, code);
    }

    [Fact]
    public void Init_without_a_recovery_key_writes_one_key_and_prints_no_code()
    {
        using var dir = new TestDirectory("recovery-none");
        var repo = dir.Sub("repo");
        var r = new CoffreRunner(repo).Ok("init", "--no-recovery-key");
        Assert.DoesNotContain("Recovery code", r.StdOut, StringComparison.Ordinal);
        Assert.Single(KeyFiles.Names(repo));
    }

    [Fact]
    public void Init_shows_the_code_with_the_instruction_to_keep_it_offline()
    {
        using var dir = new TestDirectory("recovery-text");
        var r = new CoffreRunner(dir.Sub("repo")).Ok("init");
        Assert.Contains("Recovery code", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("offline", r.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"\n    ([0-9A-Z]{4}-){7}[0-9A-Z]{4}\n", r.StdOut);
        Assert.Equal(2, KeyFiles.Names(dir.Sub("repo")).Count);
    }

    [Fact]
    public void Key_add_recovery_makes_another_code_and_remove_takes_the_old_one_away()
    {
        using var dir = new TestDirectory("recovery-add");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        var oldCode = coffre.Json("init").GetProperty("recovery_key").GetString()!;
        var oldId = Assert.Single(KeyFiles.List(coffre), k => k.GetProperty("recovery").GetBoolean()).GetProperty("id").GetString()!;

        var newCode = coffre.Json("key", "add", "--recovery").GetProperty("recovery_key").GetString()!;
        coffre.Ok("key", "remove", oldId);

        Assert.NotEqual(oldCode, newCode);
        KeyFiles.AssertResticOpens(repo, newCode, 0);
        KeyFiles.AssertResticRefuses(repo, oldCode);
        Errors.AssertOneLine(new CoffreRunner(repo, oldCode).Run("snapshots"), 12, "password");
    }

    [Fact]
    public void Passwd_while_opened_with_the_recovery_code_is_refused()
    {
        using var dir = new TestDirectory("recovery-passwd");
        var repo = dir.Sub("repo");
        var code = new CoffreRunner(repo).Json("init").GetProperty("recovery_key").GetString()!;
        var before = KeyFiles.Names(repo);

        var r = new CoffreRunner(repo, code).Run("key", "passwd", "--new-password-file", KeyFiles.PasswordFile(dir, "another password"));

        Errors.AssertOneLine(r, 1, "recovery code", "key add");
        Assert.Equal(before, KeyFiles.Names(repo));
    }
}
