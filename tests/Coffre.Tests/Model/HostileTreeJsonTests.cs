using System.Runtime.Versioning;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

/// <summary>A tree is data someone else may have written: names that could leave their folder, and two children
/// of one name, make the whole tree unusable (restic 0.14 refuses such names on restore: "invalid child node name").</summary>
[SupportedOSPlatform("linux")]
public class HostileTreeJsonTests
{
    private static byte[] Tree(params string[] quotedNames) => Encoding.UTF8.GetBytes(
        "{\"nodes\":[" + string.Join(',', quotedNames.Select(n => "{\"name\":" + n + ",\"type\":\"file\",\"content\":[]}")) + "]}\n");

    [Theory]
    [InlineData("\"..\"", "\"..\"")]
    [InlineData("\".\"", "\".\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("\"../x\"", "\"../x\"")]
    [InlineData("\"a/../../x\"", "\"a/../../x\"")]
    [InlineData("\"/etc/passwd\"", "\"/etc/passwd\"")]
    [InlineData("\"a/\"", "\"a/\"")]
    [InlineData("\"a\\u0000b\"", "\"a\\x00b\"")]
    public void InvalidNamesAreRefused(string quoted, string shown)
    {
        var e = Assert.Throws<InvalidTreeException>(() => TreeJson.Parse(Tree("\"ok\"", quoted)));
        Assert.Equal($"invalid child node name {shown}", e.Message);
    }

    [Fact]
    public void AMissingNameIsRefused()
    {
        var e = Assert.Throws<InvalidTreeException>(() => TreeJson.Parse("{\"nodes\":[{\"type\":\"file\"}]}"u8));
        Assert.Equal("invalid child node name \"\"", e.Message);
    }

    [Fact]
    public void DuplicateNamesAreRefusedSortedOrNot()
    {
        var sorted = Assert.Throws<InvalidTreeException>(() => TreeJson.Parse(Tree("\"a\"", "\"lnk\"", "\"lnk\"")));
        Assert.Equal("duplicate child node name \"lnk\"", sorted.Message);
        var unsorted = Assert.Throws<InvalidTreeException>(() => TreeJson.Parse(Tree("\"lnk\"", "\"a\"", "\"lnk\"")));
        Assert.Equal("duplicate child node name \"lnk\"", unsorted.Message);
    }

    [Fact]
    public void ASymlinkAndAFolderOfOneNameAreRefused()
    {
        var json = "{\"nodes\":[{\"name\":\"lnk\",\"type\":\"symlink\",\"linktarget\":\"/etc\"},"
            + "{\"name\":\"lnk\",\"type\":\"dir\",\"subtree\":\"" + new string('a', 64) + "\"}]}";
        var e = Assert.Throws<InvalidTreeException>(() => TreeJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("duplicate child node name \"lnk\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesThatOnlyLookOddAreKept()
    {
        // Valid Linux names: dots inside, "...", a backslash, spaces, a newline, bytes that are not UTF-8.
        var nodes = TreeJson.Parse(Tree("\"...\"", "\".hidden\"", "\"a\\\\b\"", "\" \"", "\"x\\ny\"", "\"\\\\xff\""));
        Assert.Equal(6, nodes.Count);
    }

    [Fact]
    public void UnsortedButDistinctNamesAreKept() => Assert.Equal(3, TreeJson.Parse(Tree("\"c\"", "\"a\"", "\"b\"")).Count);

    [Fact]
    public void QuoteKeepsAnyNameOnOneLine()
    {
        Assert.Equal("\"a\\x0ab\\x00c\\\"d\\\\\"", NodeName.Quote("a\nb\0c\"d\\"u8));
        Assert.Equal("\"\\xff\"", NodeName.Quote([0xff]));
        var longName = NodeName.Quote(Encoding.ASCII.GetBytes(new string('n', 5000)));
        Assert.EndsWith("(cut, 5000 bytes)", longName, StringComparison.Ordinal);
        Assert.True(longName.Length < 300);
    }

    [Fact]
    public void TheErrorNamesTreePathAndSnapshotOnceEach()
    {
        var e = new InvalidTreeException("tree 1234abcd: invalid child node name \"..\"");
        var snapshot = BlobId.Parse(new string('e', 64));
        var located = e.AtPath("/media/up\nloads").AtPath("/other").InSnapshot(snapshot).InSnapshot(snapshot);
        Assert.StartsWith("snapshot eeeeeeee: /media/up\\x0aloads: tree 1234abcd: invalid child node name \"..\": ", located.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", located.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/other", located.Message, StringComparison.Ordinal);
        var deep = new InvalidTreeException("x").AtPath(string.Concat(Enumerable.Repeat("/dddddddddd", 2048)));
        Assert.True(deep.Message.Length < 700, deep.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
