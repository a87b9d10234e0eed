using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixDirectoryTests
{
    private static readonly byte[][] OddNames =
    [
        [(byte)'f', 0xFF, 0xFE, (byte)'g'],          // invalid UTF-8
        [0xC3],                                      // truncated UTF-8 sequence
        "with space"u8.ToArray(),
        "unicodé-日本語-🙂"u8.ToArray(),
        "new\nline"u8.ToArray(),
        "tab\there"u8.ToArray(),
        ".hidden"u8.ToArray(),
        "..."u8.ToArray(),
        "back\\slash"u8.ToArray(),
    ];

    [Fact]
    public void ReadDirectory_returns_every_name_byte_exact()
    {
        using var dir = new TempDirectory();
        foreach (byte[] name in OddNames)
        {
            TempDirectory.WriteFile(dir.Child(name), name);
        }
        Posix.MakeDirectory(dir.Child([0x80, 0x81]), Octal.O(755));

        List<byte[]> names = Posix.ReadDirectory(dir.Path);

        byte[][] expected = [.. OddNames, [0x80, 0x81]];
        Assert.Equal(expected.Length, names.Count);
        foreach (byte[] name in expected)
        {
            Assert.Contains(names, n => n.AsSpan().SequenceEqual(name));
        }
    }

    [Fact]
    public void ReadDirectory_of_empty_directory_is_empty_and_skips_dot_entries()
    {
        using var dir = new TempDirectory();
        Assert.Empty(Posix.ReadDirectory(dir.Path));
    }

    [Fact]
    public void ReadDirectory_handles_many_entries()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 500; i++)
        {
            dir.WriteFile($"file-{i:D4}", "");
        }
        List<byte[]> names = Posix.ReadDirectory(dir.Path);
        Assert.Equal(500, names.Count);
        Assert.Equal(500, names.Select(n => System.Text.Encoding.UTF8.GetString(n)).Distinct().Count());
    }

    [Fact]
    public void ReadDirectory_of_missing_directory_throws_ENOENT()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<PosixException>(() => Posix.ReadDirectory(dir.Child("missing")));
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Fact]
    public void ReadDirectory_of_a_file_throws_ENOTDIR()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("f", "x");
        var e = Assert.Throws<PosixException>(() => Posix.ReadDirectory(file));
        Assert.Equal(Errno.ENOTDIR, e.Errno);
    }

    [Fact]
    public void MakeDirectory_accepts_an_existing_directory_but_not_a_file()
    {
        using var dir = new TempDirectory();
        byte[] sub = dir.Child("sub");
        Posix.MakeDirectory(sub, Octal.O(755));
        Posix.MakeDirectory(sub, Octal.O(755));
        Assert.True(Posix.LStat(sub).IsDirectory);

        byte[] file = dir.WriteFile("file", "x");
        var e = Assert.Throws<PosixException>(() => Posix.MakeDirectory(file, Octal.O(755)));
        Assert.Equal(Errno.EEXIST, e.Errno);
    }

    [Fact]
    public void MakeDirectory_applies_permissions()
    {
        using var dir = new TempDirectory();
        byte[] sub = dir.Child("sub");
        Posix.MakeDirectory(sub, Octal.O(700));
        Assert.Equal(Octal.O(700), Posix.LStat(sub).Permissions);
    }

    [Fact]
    public void MakeDirectoryAll_creates_missing_parents_and_is_idempotent()
    {
        using var dir = new TempDirectory();
        byte[] deep = UnixPath.Join(dir.Path, [(byte)'a', 0xFF, (byte)'/', (byte)'b', (byte)'/', (byte)'c']);
        Posix.MakeDirectoryAll(deep, Octal.O(755));
        Assert.True(Posix.LStat(deep).IsDirectory);
        Posix.MakeDirectoryAll(deep, Octal.O(755));

        byte[] trailing = UnixPath.Join(dir.Path, "x//y/z/"u8);
        Posix.MakeDirectoryAll(trailing, Octal.O(755));
        Assert.True(Posix.LStat(dir.Child("x/y/z")).IsDirectory);
    }

    [Fact]
    public void MakeDirectoryAll_through_a_file_fails()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("file", "x");
        var e = Assert.Throws<PosixException>(() => Posix.MakeDirectoryAll(dir.Child("file/sub/deeper"), Octal.O(755)));
        Assert.Equal(Errno.ENOTDIR, e.Errno);
    }

    [Fact]
    public void Long_paths_beyond_the_stack_buffer_work()
    {
        using var dir = new TempDirectory();
        string component = new('d', 200);
        byte[] deep = dir.Child($"{component}/{component}/{component}/{component}");
        Assert.True(deep.Length > NativePath.StackSize);

        Posix.MakeDirectoryAll(deep, Octal.O(755));
        byte[] file = UnixPath.Join(deep, "file"u8);
        TempDirectory.WriteFile(file, "hello"u8.ToArray());

        Assert.Equal(5, Posix.LStat(file).Size);
        Assert.Single(Posix.ReadDirectory(deep));
        Posix.Symlink(file, UnixPath.Join(deep, "link"u8));
        Assert.Equal(file, Posix.ReadLink(UnixPath.Join(deep, "link"u8)));
    }

    [Fact]
    public void RemoveDirectory_removes_empty_and_refuses_non_empty()
    {
        using var dir = new TempDirectory();
        byte[] sub = dir.Child("sub");
        Posix.MakeDirectory(sub, Octal.O(755));
        dir.WriteFile("sub/f", "x");
        var e = Assert.Throws<PosixException>(() => Posix.RemoveDirectory(sub));
        Assert.Equal(Errno.ENOTEMPTY, e.Errno);

        Posix.Unlink(dir.Child("sub/f"));
        Posix.RemoveDirectory(sub);
        Assert.False(Posix.Exists(sub));
    }

    [Fact]
    public void FsyncDirectory_succeeds_on_a_directory_and_fails_on_a_file()
    {
        using var dir = new TempDirectory();
        Posix.FsyncDirectory(dir.Path);
        byte[] file = dir.WriteFile("f", "x");
        var e = Assert.Throws<PosixException>(() => Posix.FsyncDirectory(file));
        Assert.Equal(Errno.ENOTDIR, e.Errno);
    }
}
