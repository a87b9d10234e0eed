using System.Text;
using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixFileTests
{
    [Fact]
    public void OpenRead_reads_through_FileStream_and_RandomAccess()
    {
        using var dir = new TempDirectory();
        byte[] path = dir.Child([(byte)'r', 0xFF, 0xFE]);
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 10_000)));
        TempDirectory.WriteFile(path, content);

        using (var handle = Posix.OpenRead(path))
        {
            Posix.AdviseSequential(handle);
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(content, copy.ToArray());
            Posix.AdviseDontNeed(handle, 0, 0);
        }

        using var h = Posix.OpenRead(path);
        Assert.Equal(content.Length, RandomAccess.GetLength(h));
        byte[] buffer = new byte[10];
        Assert.Equal(10, RandomAccess.Read(h, buffer, 99_990));
        Assert.Equal("0123456789"u8.ToArray(), buffer);
    }

    [Fact]
    public void OpenRead_does_not_follow_symlinks()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("target", "x");
        byte[] link = dir.Child("link");
        Posix.Symlink("target"u8, link);
        var e = Assert.Throws<PosixException>(() => Posix.OpenRead(link));
        Assert.Equal(Errno.ELOOP, e.Errno);
    }

    [Fact]
    public void OpenRead_on_a_fifo_without_writer_does_not_hang()
    {
        using var dir = new TempDirectory();
        byte[] fifo = dir.Child("fifo");
        Posix.MakeFifo(fifo, Octal.O(600));
        using var handle = Posix.OpenRead(fifo);
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        Assert.Equal(0, stream.Read(new byte[16]));
    }

    [Fact]
    public void OpenRead_does_not_change_atime()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "content");
        var old = new UnixTime(1000000000, 0);
        Posix.SetTimes(file, old, old);
        using (var h = Posix.OpenRead(file))
        {
            Assert.Equal(7, RandomAccess.Read(h, new byte[16], 0));
        }
        Assert.Equal(old, Posix.LStat(file).AccessTime);
    }

    [Fact]
    public void OpenRead_missing_file_throws_ENOENT()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<PosixException>(() => Posix.OpenRead(dir.Child("missing")));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void CreateFile_writes_with_FileStream_and_RandomAccess()
    {
        using var dir = new TempDirectory();
        byte[] path = dir.Child("new\nfile");

        using (var handle = Posix.CreateFile(path, Octal.O(640), exclusive: true))
        {
            using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
            stream.Write("hello "u8);
            stream.Flush(flushToDisk: true);
            RandomAccess.Write(handle, "world"u8, 6);
            Posix.Fsync(handle);
        }

        FileStatus status = Posix.LStat(path);
        Assert.Equal(11, status.Size);
        Assert.Equal(Octal.O(640), status.Permissions);
        using var read = Posix.OpenRead(path);
        byte[] buffer = new byte[11];
        Assert.Equal(11, RandomAccess.Read(read, buffer, 0));
        Assert.Equal("hello world"u8.ToArray(), buffer);
    }

    [Fact]
    public void CreateFile_exclusive_refuses_an_existing_file()
    {
        using var dir = new TempDirectory();
        byte[] path = dir.WriteFile("file", "x");
        var e = Assert.Throws<PosixException>(() => Posix.CreateFile(path, Octal.O(644), exclusive: true));
        Assert.Equal(Errno.EEXIST, e.Errno);
    }

    [Fact]
    public void CreateFile_non_exclusive_truncates()
    {
        using var dir = new TempDirectory();
        byte[] path = dir.WriteFile("file", "long old content");
        using (var handle = Posix.CreateFile(path, Octal.O(644), exclusive: false))
        {
            RandomAccess.Write(handle, "new"u8, 0);
        }
        Assert.Equal(3, Posix.LStat(path).Size);
    }

    [Fact]
    public void CreateFile_does_not_follow_a_symlink()
    {
        using var dir = new TempDirectory();
        byte[] target = dir.WriteFile("target", "keep");
        byte[] link = dir.Child("link");
        Posix.Symlink("target"u8, link);
        var e = Assert.Throws<PosixException>(() => Posix.CreateFile(link, Octal.O(644), exclusive: false));
        Assert.Equal(Errno.ELOOP, e.Errno);
        Assert.Equal(4, Posix.LStat(target).Size);
    }

    [Fact]
    public void Rename_and_Unlink()
    {
        using var dir = new TempDirectory();
        byte[] from = dir.WriteFile("from", "x");
        byte[] to = dir.Child([(byte)'t', 0xFE]);
        Posix.Rename(from, to);
        Assert.False(Posix.Exists(from));
        Assert.True(Posix.Exists(to));

        Posix.Unlink(to);
        Assert.False(Posix.Exists(to));
        var e = Assert.Throws<PosixException>(() => Posix.Unlink(to));
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Fact]
    public void Rename_failure_names_both_paths()
    {
        using var dir = new TempDirectory();
        byte[] from = dir.Child("missing");
        byte[] to = dir.Child("dest");
        var e = Assert.Throws<PosixException>(() => Posix.Rename(from, to));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal(from, e.Path);
        Assert.Equal(to, e.OtherPath);
        Assert.Contains(UnixPath.ToDisplay(from), e.Message, StringComparison.Ordinal);
        Assert.Contains(UnixPath.ToDisplay(to), e.Message, StringComparison.Ordinal);
    }
}
