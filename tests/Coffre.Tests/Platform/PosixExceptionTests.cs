using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixExceptionTests
{
    [Fact]
    public void Missing_path_gives_ENOENT_and_a_message_naming_the_path()
    {
        using var dir = new TempDirectory();
        byte[] missing = dir.Child("no such file");

        var e = Assert.Throws<PosixException>(() => Posix.LStat(missing));

        Assert.Equal(2, e.Errno);
        Assert.Equal(missing, e.Path);
        Assert.Null(e.OtherPath);
        Assert.Equal("lstat", e.Operation);
        Assert.Equal($"lstat {UnixPath.ToDisplay(missing)}: No such file or directory", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void Message_shows_invalid_bytes_as_hex()
    {
        byte[] path = [(byte)'/', (byte)'n', (byte)'o', 0xFF, 0xFE, (byte)'/', (byte)'x'];
        var e = Assert.Throws<PosixException>(() => Posix.Stat(path));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal(@"stat /no\xFF\xFE/x: No such file or directory", e.Message);
    }

    [Fact]
    public void Constructed_directly()
    {
        var e = new PosixException("open", "/a"u8, Errno.EACCES);
        Assert.Equal("open /a: Permission denied", e.Message);
        Assert.Equal(13, e.Errno);
    }
}
