using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixLinkTests
{
    [Fact]
    public void ReadLink_returns_the_raw_target()
    {
        using var dir = new TempDirectory();
        byte[] target = [(byte)'.', (byte)'.', (byte)'/', 0xFF, (byte)' ', (byte)'x', (byte)'\n'];
        byte[] link = dir.Child("link");
        Posix.Symlink(target, link);
        Assert.Equal(target, Posix.ReadLink(link));
    }

    [Fact]
    public void ReadLink_handles_long_targets()
    {
        using var dir = new TempDirectory();
        byte[] target = UnixPath.FromString(string.Join('/', Enumerable.Repeat(new string('t', 250), 12)));
        byte[] link = dir.Child("long");
        Posix.Symlink(target, link);
        Assert.Equal(target, Posix.ReadLink(link));
        Assert.Equal(target.Length, Posix.LStat(link).Size);
    }

    [Fact]
    public void ReadLink_on_a_regular_file_throws_EINVAL()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        var e = Assert.Throws<PosixException>(() => Posix.ReadLink(file));
        Assert.Equal(Errno.EINVAL, e.Errno);
    }

    [Fact]
    public void Symlink_over_an_existing_name_throws_EEXIST()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        var e = Assert.Throws<PosixException>(() => Posix.Symlink("anything"u8, file));
        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Equal(file, e.Path);
    }

    [Fact]
    public void Link_to_a_missing_file_names_both_paths()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<PosixException>(() => Posix.Link(dir.Child("missing"), dir.Child("new")));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal(dir.Child("missing"), e.Path);
        Assert.Equal(dir.Child("new"), e.OtherPath);
    }

    [Fact]
    public void Path_with_a_NUL_byte_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Posix.LStat("a\0b"u8));
    }
}
