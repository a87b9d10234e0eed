using System.Runtime.Versioning;
using Coffre.Model;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoFileModeTests
{
    // st_mode values (octal) -> Go FileMode observed in restic trees (format doc §8).
    [Theory]
    [InlineData(0x81A4u, 420u)]          // file 0644 (0100644)
    [InlineData(0x41EDu, 2147484141u)]   // dir 0755 (040755)
    [InlineData(0xA1FFu, 134218239u)]    // symlink 0777 (0120777)
    [InlineData(0x11A4u, 33554852u)]     // fifo 0644 (010644)
    [InlineData(0x89EDu, 8389101u)]      // setuid 0755 file (0104755)
    [InlineData(0x43FFu, 2148532735u)]   // sticky 1777 dir (041777)
    public void ObservedModes(uint stMode, uint goMode)
    {
        Assert.Equal(goMode, GoFileMode.FromUnix(stMode));
        Assert.Equal(stMode & 0xFFF, GoFileMode.ToUnixPermissions(goMode));
        Assert.Equal(stMode, GoFileMode.ToUnix(goMode));
    }

    [Fact]
    public void DevicesSocketsSetgid()
    {
        Assert.Equal(GoFileMode.ModeDevice | 0x1B0u, GoFileMode.FromUnix(0x61B0)); // block 0660
        Assert.Equal(GoFileMode.ModeDevice | GoFileMode.ModeCharDevice | 0x1B6u, GoFileMode.FromUnix(0x21B6)); // char 0666
        Assert.Equal(GoFileMode.ModeSocket | 0x1EDu, GoFileMode.FromUnix(0xC1ED));
        Assert.Equal(GoFileMode.ModeSetgid | GoFileMode.ModeDir | 0x1EDu, GoFileMode.FromUnix(0x45ED)); // 042755
        Assert.Equal(0x5EDu, GoFileMode.ToUnixPermissions(GoFileMode.ModeSetgid | GoFileMode.ModeDir | 0x1EDu));
        Assert.Equal(0x21B6u, GoFileMode.ToUnix(GoFileMode.FromUnix(0x21B6)));
        Assert.Equal(0x61B0u, GoFileMode.ToUnix(GoFileMode.FromUnix(0x61B0)));
        Assert.Equal(0xC1EDu, GoFileMode.ToUnix(GoFileMode.FromUnix(0xC1ED)));
    }

    [Theory]
    [InlineData(0x81A4u, NodeType.File)]
    [InlineData(0x41EDu, NodeType.Dir)]
    [InlineData(0xA1FFu, NodeType.Symlink)]
    [InlineData(0x61B0u, NodeType.Dev)]
    [InlineData(0x21B6u, NodeType.CharDev)]
    [InlineData(0x11A4u, NodeType.Fifo)]
    [InlineData(0xC1EDu, NodeType.Socket)]
    [InlineData(0x01A4u, NodeType.Irregular)]
    public void NodeTypes(uint stMode, NodeType type) => Assert.Equal(type, GoFileMode.NodeTypeFromUnix(stMode));

    [Fact]
    public void NodeTypeNamesRoundTrip()
    {
        string[] names = ["file", "dir", "symlink", "dev", "chardev", "fifo", "socket", "irregular"];
        for (var t = NodeType.File; t <= NodeType.Irregular; t++)
        {
            Assert.Equal(names[(int)t], t.ToJsonName());
            Assert.True(NodeTypeNames.TryParse(names[(int)t], out var back));
            Assert.Equal(t, back);
        }
        Assert.False(NodeTypeNames.TryParse("File", out _));
    }
}
