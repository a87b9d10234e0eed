using System.Text;
using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class UnixPathTests
{
    private static string S(byte[] path) => Encoding.UTF8.GetString(path);

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/a/b/c", "/a/b/c")]
    [InlineData("/a/b/../c", "/a/c")]
    [InlineData("/a/./b/.", "/a/b")]
    [InlineData("//a//b///", "/a/b")]
    [InlineData("/..", "/")]
    [InlineData("/../../x", "/x")]
    [InlineData("/a/b/../../..", "/")]
    [InlineData("/a/..b/c", "/a/..b/c")]
    [InlineData("/a/.../c", "/a/.../c")]
    [InlineData("/日本/./語", "/日本/語")]
    public void GetFullPath_cleans_absolute_paths(string input, string expected)
        => Assert.Equal(expected, S(UnixPath.GetFullPath(input)));

    [Fact]
    public void GetFullPath_resolves_relative_paths_against_the_current_directory()
    {
        string cwd = Environment.CurrentDirectory;
        Assert.Equal(cwd, S(UnixPath.GetFullPath("")));
        Assert.Equal(cwd, S(UnixPath.GetFullPath(".")));
        Assert.Equal(cwd + "/x/y", S(UnixPath.GetFullPath("x/./y/")));
        Assert.Equal(S(UnixPath.GetFullPath(Path.GetDirectoryName(cwd) ?? "/")), S(UnixPath.GetFullPath("..")));
    }

    [Fact]
    public void GetFullPath_keeps_invalid_bytes()
    {
        byte[] path = [(byte)'/', (byte)'a', (byte)'/', 0xFF, (byte)'/', (byte)'.', (byte)'.', (byte)'/', 0xFE];
        Assert.Equal(new byte[] { (byte)'/', (byte)'a', (byte)'/', 0xFE }, UnixPath.GetFullPath(path));
    }

    [Theory]
    [InlineData("", ".")]
    [InlineData(".", ".")]
    [InlineData("a/..", ".")]
    [InlineData("a/../..", "..")]
    [InlineData("../../a", "../../a")]
    [InlineData("a//b/./c/", "a/b/c")]
    public void Clean_relative_paths_like_Go(string input, string expected)
        => Assert.Equal(expected, S(UnixPath.Clean(Encoding.UTF8.GetBytes(input))));

    [Theory]
    [InlineData("a", "b", "a/b")]
    [InlineData("/", "b", "/b")]
    [InlineData("/a/", "b", "/a/b")]
    [InlineData("", "b", "b")]
    [InlineData("/a", "b c", "/a/b c")]
    public void Join(string dir, string name, string expected)
        => Assert.Equal(expected, S(UnixPath.Join(Encoding.UTF8.GetBytes(dir), Encoding.UTF8.GetBytes(name))));

    [Fact]
    public void Split_gives_the_components()
    {
        Assert.Equal(["a", "b", "c"], UnixPath.Split("/a/b/c"u8).Select(S));
        Assert.Empty(UnixPath.Split("/"u8));
        Assert.Equal(["a", "b"], UnixPath.Split("//a//b/"u8).Select(S));
        byte[][] raw = [.. UnixPath.Split([(byte)'/', 0xFF, (byte)'/', 0xFE])];
        Assert.Equal(new byte[][] { [0xFF], [0xFE] }, raw);
    }

    [Theory]
    [InlineData("/a/b", "b", "/a")]
    [InlineData("/a", "a", "/")]
    [InlineData("/", "/", "/")]
    [InlineData("a", "a", ".")]
    [InlineData("/a/b/", "b", "/a/b")]
    public void FileName_and_DirectoryName(string path, string name, string directory)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path);
        Assert.Equal(name, S(UnixPath.GetFileName(bytes)));
        Assert.Equal(directory, S(UnixPath.GetDirectoryName(bytes)));
    }

    [Fact]
    public void FromString_is_UTF8()
    {
        Assert.Equal("/tmp/é"u8.ToArray(), UnixPath.FromString("/tmp/é"));
    }

    [Fact]
    public void ToDisplay_escapes_invalid_bytes_and_control_characters()
    {
        Assert.Equal("plain/path", UnixPath.ToDisplay("plain/path"u8));
        Assert.Equal("unicodé 日本 🙂", UnixPath.ToDisplay("unicodé 日本 🙂"u8));
        Assert.Equal(@"a\xFF\xFEb", UnixPath.ToDisplay([(byte)'a', 0xFF, 0xFE, (byte)'b']));
        Assert.Equal(@"trunc\xC3", UnixPath.ToDisplay([(byte)'t', (byte)'r', (byte)'u', (byte)'n', (byte)'c', 0xC3]));
        Assert.Equal(@"\xC3(", UnixPath.ToDisplay([0xC3, (byte)'(']));
        Assert.Equal(@"new\x0Aline", UnixPath.ToDisplay("new\nline"u8));
        Assert.Equal(@"\xED\xA0\x80", UnixPath.ToDisplay([0xED, 0xA0, 0x80])); // encoded surrogate is invalid UTF-8
        Assert.Equal("", UnixPath.ToDisplay([]));
    }
}
