using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Restore;

/// <summary>
/// A repository whose trees are forged (well-formed and correctly encrypted, written with the key): names that
/// would leave the folder, a name given twice (a symlink, then a folder of the same name), a hard-link pair with
/// one name outside, nesting deeper than any real file system. The restore refuses the tree (restic 0.14:
/// "invalid child node name", "file exists") and nothing outside the target is created, written or chmod-ed.
/// </summary>
public class HostileTreeRestoreTests
{
    private sealed record Setup(TestDirectory Dir, CoffreRunner Coffre, string Repository, string Target, string Victim);

    private static Setup Prepare(string purpose)
    {
        var dir = new TestDirectory(purpose);
        var repository = dir.Sub("repo");
        var coffre = new CoffreRunner(repository);
        coffre.Init();
        var victim = dir.CreateSub("victim");
        File.WriteAllText(Path.Combine(victim, "precious.txt"), "keep me");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.CreateSub("a/b"); // the target's parents exist before: a name escaping into them is seen
        return new Setup(dir, coffre, repository, dir.Sub("a/b/target"), victim);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../escaped")]
    [InlineData("../../escaped")]
    [InlineData("a/../../../escaped")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("sub/escaped")]
    [InlineData("nul\0escaped")]
    public void Invalid_node_names_are_refused_and_nothing_is_written_outside(string name)
    {
        var s = Prepare("hostile-name");
        using var _ = s.Dir;
        var snapshot = ForgedRepository.Snapshot(s.Repository, Forged.Dir("top", Forged.File(name, "pwned"), Forged.File("fine.txt", "fine")));
        var before = Outside.State(s.Dir.Path, s.Repository, s.Target);

        var r = s.Coffre.Run("restore", snapshot, "--target", s.Target);

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Contains("invalid child node name", r.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Outside.State(s.Dir.Path, s.Repository, s.Target));
        var overwrite = s.Coffre.Run("restore", snapshot, "--target", s.Target, "--overwrite");
        Assert.Equal(1, overwrite.ExitCode);
        Assert.Equal(before, Outside.State(s.Dir.Path, s.Repository, s.Target));
    }

    [Fact]
    public void A_symlink_then_a_folder_of_the_same_name_never_writes_or_chmods_through_the_link()
    {
        var s = Prepare("hostile-dup");
        using var _ = s.Dir;
        var snapshot = ForgedRepository.Snapshot(s.Repository,
            Forged.Link("lnk", s.Victim),
            Forged.Dir("lnk", Forged.File("planted.txt", "pwned"), Forged.File("precious.txt", "overwritten")));
        var before = Outside.State(s.Dir.Path, s.Repository, s.Target);

        var r = s.Coffre.Run("restore", snapshot, "--target", s.Target);

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Equal(before, Outside.State(s.Dir.Path, s.Repository, s.Target));
        Assert.False(File.Exists(Path.Combine(s.Victim, "planted.txt")));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(s.Victim, "precious.txt")));
    }

    [Fact]
    public void A_hard_link_pair_with_a_name_outside_the_target_is_refused()
    {
        var s = Prepare("hostile-link");
        using var _ = s.Dir;
        var snapshot = ForgedRepository.Snapshot(s.Repository,
            Forged.File("first", "linked content", links: 2, inode: 77),
            Forged.File("../../linked-outside", "linked content", links: 2, inode: 77));
        var before = Outside.State(s.Dir.Path, s.Repository, s.Target);

        var r = s.Coffre.Run("restore", snapshot, "--target", s.Target);

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Equal(before, Outside.State(s.Dir.Path, s.Repository, s.Target));
    }

    [Fact]
    public void A_tree_nested_deeper_than_any_file_system_is_refused()
    {
        var s = Prepare("hostile-deep");
        using var _ = s.Dir;
        Forged node = Forged.File("bottom.txt", "deep");
        for (var i = 0; i < Coffre.Model.NodeName.MaxTreeDepth + 5; i++) node = Forged.Dir("d", node);
        var snapshot = ForgedRepository.Snapshot(s.Repository, node);

        var r = s.Coffre.Run("restore", snapshot, "--target", s.Target);

        // The folders made before the refusal go deeper than PATH_MAX: rm removes them through descriptors.
        ProcessRunner.Run("/bin/rm", ["-rf", s.Target], new Dictionary<string, string?>());
        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Contains("deeper", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_forged_tree_restores_folders_links_and_hard_links_inside_the_target()
    {
        var s = Prepare("forged-ok");
        using var _ = s.Dir;
        var snapshot = ForgedRepository.Snapshot(s.Repository,
            Forged.Dir("top", Forged.File("one", "same", links: 2, inode: 5), Forged.Link("up", "../.."), Forged.Dir("inner", Forged.File("two", "same", links: 2, inode: 5))));

        s.Coffre.Restore(snapshot, s.Target);

        var one = UnixPath.FromString(Path.Combine(s.Target, "top/one"));
        var two = UnixPath.FromString(Path.Combine(s.Target, "top/inner/two"));
        Assert.Equal(Posix.LStat(one).Inode, Posix.LStat(two).Inode);
        Assert.Equal("same", File.ReadAllText(Path.Combine(s.Target, "top/inner/two")));
        Assert.Equal("../..", Encoding.UTF8.GetString(Posix.ReadLink(UnixPath.FromString(Path.Combine(s.Target, "top/up")))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(s.Target, "top/inner")));
    }
}
