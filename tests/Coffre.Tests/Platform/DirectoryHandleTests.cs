using Coffre.Platform;

namespace Coffre.Tests.Platform;

/// <summary>Operations by name inside an open folder never follow a symlink and never leave the folder.</summary>
public class DirectoryHandleTests
{
    private static byte[] B(string s) => UnixPath.FromString(s);
    private static string S(byte[] path) => UnixPath.ToDisplay(path);

    [Fact]
    public void Opening_a_symlink_as_a_folder_fails_instead_of_following_it()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(S(temp.Child("elsewhere")));
        File.CreateSymbolicLink(S(temp.Child("lnk")), S(temp.Child("elsewhere")));
        using var dir = DirectoryHandle.Open(temp.Path);

        var e = Assert.Throws<PosixException>(() => dir.OpenDirectory(B("lnk")));
        Assert.Contains(e.Errno, new[] { Errno.ELOOP, Errno.ENOTDIR });
        Assert.Throws<PosixException>(() => DirectoryHandle.Open(temp.Child("lnk")));
    }

    [Fact]
    public void Creating_a_file_over_a_symlink_or_a_file_fails_and_changes_nothing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(S(temp.Child("target.txt")), "untouched");
        File.CreateSymbolicLink(S(temp.Child("lnk")), S(temp.Child("target.txt")));
        using var dir = DirectoryHandle.Open(temp.Path);

        Assert.Equal(Errno.EEXIST, Assert.Throws<PosixException>(() => dir.CreateFile(B("lnk"), 0x1A4)).Errno);
        Assert.Equal(Errno.EEXIST, Assert.Throws<PosixException>(() => dir.CreateFile(B("target.txt"), 0x1A4)).Errno);
        Assert.Equal("untouched", File.ReadAllText(S(temp.Child("target.txt"))));
    }

    [Fact]
    public void Permissions_by_name_never_reach_through_a_symlink()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(S(temp.Child("target.txt")), "x");
        File.SetUnixFileMode(S(temp.Child("target.txt")), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(S(temp.Child("lnk")), S(temp.Child("target.txt")));
        using var dir = DirectoryHandle.Open(temp.Path);

        Assert.Throws<PosixException>(() => dir.SetPermissions(B("lnk"), 0x1FF));
        dir.SetTimes(B("lnk"), new UnixTime(1_000_000, 0), new UnixTime(1_000_000, 0));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(S(temp.Child("target.txt"))));
        Assert.NotEqual(1_000_000, Posix.LStat(temp.Child("target.txt")).ModifyTime.Seconds);
        Assert.Equal(1_000_000, Posix.LStat(temp.Child("lnk")).ModifyTime.Seconds);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("")]
    public void A_name_that_is_not_one_component_is_refused(string name)
    {
        using var temp = new TempDirectory();
        using var dir = DirectoryHandle.Open(temp.Path);
        Assert.Throws<ArgumentException>(() => dir.CreateFile(B(name), 0x1A4));
        Assert.Throws<ArgumentException>(() => dir.TryMakeDirectory(B(name), 0x1C0));
    }

    [Fact]
    public void Hard_links_symlinks_entries_and_removal_work_by_name()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(S(temp.Child("sub")));
        using var dir = DirectoryHandle.Open(temp.Path);
        using var sub = dir.OpenDirectory(B("sub"));
        using (var f = sub.CreateFile(B("file"), 0x1A4)) RandomAccess.Write(f, "data"u8, 0);
        DirectoryHandle.Link(sub, B("file"), dir, B("linked"));
        dir.Symlink(B("sub/file"), B("sym"));

        Assert.Equal("data", File.ReadAllText(S(temp.Child("linked"))));
        Assert.Equal(Posix.LStat(temp.Child("sub/file")).Inode, Posix.LStat(temp.Child("linked")).Inode);
        Assert.Equal(["linked", "sub", "sym"], dir.ReadEntries().Select(n => UnixPath.ToDisplay(n)).Order(StringComparer.Ordinal));
        Assert.Equal(0, dir.TryStat(B("sym"), out var st));
        Assert.True(st.IsSymlink);
        dir.Unlink(B("sym"));
        sub.Unlink(B("file"));
        dir.RemoveDirectory(B("sub"));
        Assert.Equal(Errno.EEXIST, dir.TryMakeDirectory(B("linked"), 0x1C0));
        Assert.Equal(0, dir.TryMakeDirectory(B("made"), 0x1C0));
        Assert.True(Directory.Exists(S(temp.Child("made"))));
    }
}
