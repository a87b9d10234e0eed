using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class TreeJsonTests
{
    // §15.7: the src/sub directory (355 bytes incl. the final newline).
    private const string SubTree =
        """{"nodes":[{"name":"b.txt","type":"file","mode":420,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018687,"device_id":65024,"size":79,"links":1,"content":["d7aaf83f99b9ef6e93ebb0d2afcedf19ae9b7768687e23cf4b33c713f0d6ec2c"]}]}""" + "\n";

    // §15.7: stdin root tree (287 bytes; no user/group/inode/device_id/links).
    private const string StdinTree =
        """{"nodes":[{"name":"stream.txt","type":"file","mode":420,"mtime":"2026-11-21T10:42:42.505011896Z","atime":"2026-11-21T10:42:42.505011896Z","ctime":"2026-11-21T10:42:42.505011896Z","uid":0,"gid":0,"size":18,"content":["f5a61b2ffb9f922cd96a9a48f8cbcf99a597c3a4d775920cdadd7eb42796d806"]}]}""" + "\n";

    // The fixture's src directory 75f9063d... (1268 bytes): empty file, file, symlink, dir.
    private const string SrcTree =
        """{"nodes":[{"name":"empty","type":"file","mode":420,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018685,"device_id":65024,"links":1,"content":[]},{"name":"hello.txt","type":"file","mode":420,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018684,"device_id":65024,"size":13,"links":1,"content":["fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f"]},{"name":"link","type":"symlink","mode":134218239,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018686,"device_id":65024,"links":1,"linktarget":"hello.txt","content":null},{"name":"sub","type":"dir","mode":2147484141,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018682,"device_id":65024,"content":null,"subtree":"e4f61cafc0f58f2c5fb28835575a9281156ed41818f5d370d2dbf11de8de77c1"}]}""" + "\n";

    // The fixture's root tree 5e88b88e... (352 bytes): one dir node "src".
    private const string RootTree =
        """{"nodes":[{"name":"src","type":"dir","mode":2147484141,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018681,"device_id":65024,"content":null,"subtree":"75f9063d2e76d5eababb5d87386b5751810c2f2aff4a0aaafc45553f949a2de2"}]}""" + "\n";

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Theory]
    [InlineData(SubTree, 355, "e4f61cafc0f58f2c5fb28835575a9281156ed41818f5d370d2dbf11de8de77c1")]
    [InlineData(StdinTree, 287, "f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755")]
    [InlineData(SrcTree, 1268, "75f9063d2e76d5eababb5d87386b5751810c2f2aff4a0aaafc45553f949a2de2")]
    [InlineData(RootTree, 352, "5e88b88e4d3859d07c25562bd15b1fd6a844571eae16a02e47264c6aabea7c7c")]
    public void ResticTreesRoundTripByteForByte(string text, int length, string treeId)
    {
        var golden = Encoding.UTF8.GetBytes(text);
        Assert.Equal(length, golden.Length);
        Assert.Equal(treeId, Sha(golden));
        var again = TreeJson.Serialize(TreeJson.Parse(golden));
        Assert.Equal(text, Encoding.UTF8.GetString(again));
        Assert.Equal(treeId, Sha(again));
    }

    [Fact]
    public void SubTreeParsesToExpectedNode()
    {
        var node = Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(SubTree)));
        Assert.Equal("b.txt"u8.ToArray(), node.Name);
        Assert.Equal(NodeType.File, node.Type);
        Assert.Equal(420u, node.Mode);
        Assert.Equal("2024-01-02T03:04:05.123456789Z", node.ModTime.ToRfc3339Nano());
        Assert.Equal(123456789, node.AccessTime.Nanoseconds);
        Assert.Equal(839067220, node.ChangeTime.Nanoseconds);
        Assert.Equal("root", node.User);
        Assert.Equal("root", node.Group);
        Assert.Equal(12018687ul, node.Inode);
        Assert.Equal(65024ul, node.DeviceId);
        Assert.Equal(79ul, node.Size);
        Assert.Equal(1ul, node.Links);
        Assert.Equal([BlobId.Parse("d7aaf83f99b9ef6e93ebb0d2afcedf19ae9b7768687e23cf4b33c713f0d6ec2c")], node.Content!);
        Assert.Null(node.Subtree);
        Assert.Null(node.LinkTarget);
    }

    [Fact]
    public void StdinTreeBuiltFromScratch()
    {
        var t = GoTime.Parse("2026-11-21T10:42:42.505011896Z");
        var node = new Node
        {
            Name = "stream.txt"u8.ToArray(),
            Type = NodeType.File,
            Mode = GoFileMode.FromUnix(0x8000 | 0x1A4), // S_IFREG | 0644
            ModTime = t,
            AccessTime = t,
            ChangeTime = t,
            Size = 18,
            Content = [BlobId.Parse("f5a61b2ffb9f922cd96a9a48f8cbcf99a597c3a4d775920cdadd7eb42796d806")],
        };
        var bytes = TreeJson.Serialize([node]);
        Assert.Equal(StdinTree, Encoding.UTF8.GetString(bytes));
        Assert.Equal("f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755", Sha(bytes));
    }

    [Fact]
    public void SrcTreeBuiltFromScratchInAnyInputOrder()
    {
        var m = GoTime.Parse("2024-01-02T03:04:05.123456789Z");
        var c = GoTime.Parse("2026-11-21T10:42:38.83906722Z");
        Node Make(string name, NodeType type, uint stMode, ulong inode) => new()
        {
            Name = Encoding.UTF8.GetBytes(name),
            Type = type,
            Mode = GoFileMode.FromUnix(stMode),
            ModTime = m,
            AccessTime = m,
            ChangeTime = c,
            User = "root",
            Group = "root",
            Inode = inode,
            DeviceId = 65024,
        };
        var empty = Make("empty", NodeType.File, 0x81A4, 12018685);
        empty.Links = 1;
        var hello = Make("hello.txt", NodeType.File, 0x81A4, 12018684);
        hello.Links = 1;
        hello.Size = 13;
        hello.Content = [BlobId.Parse("fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f")];
        var link = Make("link", NodeType.Symlink, 0xA1FF, 12018686);
        link.Links = 1;
        link.LinkTarget = "hello.txt"u8.ToArray();
        var sub = Make("sub", NodeType.Dir, 0x41ED, 12018682);
        sub.Subtree = BlobId.Parse("e4f61cafc0f58f2c5fb28835575a9281156ed41818f5d370d2dbf11de8de77c1");

        var input = new List<Node> { sub, link, hello, empty };
        var bytes = TreeJson.Serialize(input);
        Assert.Equal(SrcTree, Encoding.UTF8.GetString(bytes));
        Assert.Same(sub, input[0]); // the caller's list is not reordered
    }

    [Fact]
    public void ResticWeirdNamesTreeRoundTrips()
    {
        var golden = ResticWeirdTree.Bytes;
        Assert.Equal(ResticWeirdTree.TreeId, Sha(golden));
        var nodes = TreeJson.Parse(golden);
        Assert.Equal(30, nodes.Count);

        var names = nodes.Select(n => n.Name).ToList();
        Assert.Contains("q\"uote"u8.ToArray(), names);
        Assert.Contains("back\\slash"u8.ToArray(), names);
        Assert.Contains("nb\u00a0sp"u8.ToArray(), names);
        Assert.Contains([.. "bad"u8, 0xFF, .. "utf8"u8], names);
        Assert.Contains("new\nline"u8.ToArray(), names);
        Assert.Contains("lt<gt>&amp"u8.ToArray(), names);
        Assert.Contains("emoji😀"u8.ToArray(), names);
        Assert.Contains("éaccent"u8.ToArray(), names);
        Assert.Contains([.. "trunc"u8, 0xE2, 0x80], names);
        Assert.Contains([.. "surr"u8, 0xED, 0xA0, 0x80, (byte)'x'], names);
        Assert.Contains("tag\U000e0001x"u8.ToArray(), names);

        Assert.Equal(GoFileMode.FromUnix(0x1000 | 0x1A4), nodes.Single(n => n.Type == NodeType.Fifo).Mode);
        Assert.Equal(2148532735u, nodes.Single(n => n.Type == NodeType.Dir).Mode);

        // restic 0.14 was built with Go 1.19, which writes \b and \f as \u0008 and \u000c; Go >= 1.22
        // (and Coffre) use the short forms. restic 0.14 also lost the invalid byte of the "badlink" target
        // (written as the escape \ufffd, no linktarget_raw): once decoded it is a real U+FFFD, which Go and
        // Coffre then write raw. Everything else must be identical.
        var expected = Encoding.UTF8.GetString(golden).Replace("\\u0008", "\\b", StringComparison.Ordinal)
            .Replace("\\u000c", "\\f", StringComparison.Ordinal)
            .Replace("\"tgt\\ufffdbad\"", "\"tgt\ufffdbad\"", StringComparison.Ordinal);
        Assert.Equal("tgt\ufffdbad"u8.ToArray(), nodes.Single(n => n.Name.AsSpan().SequenceEqual("badlink"u8)).LinkTarget);
        Assert.Equal(expected, Encoding.UTF8.GetString(TreeJson.Serialize(nodes)));
    }

    [Theory]
    [InlineData("q\"uote", "\"q\\\\\\\"uote\"")]
    [InlineData("back\\slash", "\"back\\\\\\\\slash\"")]
    [InlineData("nb\u00a0sp", "\"nb\\\\u00a0sp\"")]
    [InlineData("new\nline", "\"new\\\\nline\"")]
    [InlineData("lt<gt>&amp", "\"lt\\u003cgt\\u003e\\u0026amp\"")]
    [InlineData("emoji😀", "\"emoji😀\"")]
    [InlineData("éaccent", "\"éaccent\"")]
    public void ObservedNameEscapes(string name, string expectedJson)
    {
        var json = Encoding.UTF8.GetString(TreeJson.Serialize([new Node { Name = Encoding.UTF8.GetBytes(name), Type = NodeType.Fifo }]));
        Assert.Contains("{\"name\":" + expectedJson + ",\"type\":\"fifo\",", json, StringComparison.Ordinal);
        var parsed = Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(Encoding.UTF8.GetBytes(name), parsed.Name);
    }

    [Fact]
    public void InvalidUtf8NameUsesHexEscape()
    {
        byte[] name = [.. "bad"u8, 0xFF, .. "utf8"u8];
        var json = Encoding.UTF8.GetString(TreeJson.Serialize([new Node { Name = name, Type = NodeType.File }]));
        Assert.StartsWith("{\"nodes\":[{\"name\":\"bad\\\\xffutf8\",\"type\":\"file\",", json, StringComparison.Ordinal);
        Assert.Equal(name, Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(json))).Name);
    }

    [Fact]
    public void SortsByRawBytesNotUtf16()
    {
        // U+FF61 (EF BD A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8 but after it in UTF-16 ordinal order.
        var a = new Node { Name = "\U0001F600"u8.ToArray(), Type = NodeType.File };
        var b = new Node { Name = "\uFF61"u8.ToArray(), Type = NodeType.File };
        var c = new Node { Name = [0xFF], Type = NodeType.File };
        var d = new Node { Name = "Z"u8.ToArray(), Type = NodeType.File };
        var e = new Node { Name = "a"u8.ToArray(), Type = NodeType.File };
        var parsed = TreeJson.Parse(TreeJson.Serialize([c, a, e, b, d]));
        Assert.Equal([d.Name, e.Name, b.Name, a.Name, c.Name], parsed.Select(n => n.Name));
        Assert.True(TreeJson.CompareNames(b.Name, a.Name) < 0);
        Assert.True(string.CompareOrdinal("\uFF61", "\U0001F600") > 0);
    }

    [Fact]
    public void DuplicateNamesThrow()
    {
        var x = new Node { Name = "x"u8.ToArray() };
        var y = new Node { Name = "x"u8.ToArray() };
        Assert.Throws<ArgumentException>(() => TreeJson.Serialize([x, y]));
    }

    [Fact]
    public void EmptyTree()
    {
        Assert.Equal("{\"nodes\":[]}\n", Encoding.UTF8.GetString(TreeJson.Serialize([])));
        Assert.Empty(TreeJson.Parse("{\"nodes\":null}"u8));
        Assert.Empty(TreeJson.Parse("{}"u8));
    }

    [Fact]
    public void ContentEmptyArrayForFilesNullOtherwise()
    {
        var file = new Node { Name = "f"u8.ToArray(), Type = NodeType.File };
        var dir = new Node { Name = "d"u8.ToArray(), Type = NodeType.Dir };
        var json = Encoding.UTF8.GetString(TreeJson.Serialize([file, dir]));
        Assert.Contains("\"name\":\"f\",\"type\":\"file\",\"mtime\":\"0001-01-01T00:00:00Z\",\"atime\":\"0001-01-01T00:00:00Z\",\"ctime\":\"0001-01-01T00:00:00Z\",\"uid\":0,\"gid\":0,\"content\":[]}", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"d\",\"type\":\"dir\",\"mtime\":\"0001-01-01T00:00:00Z\",\"atime\":\"0001-01-01T00:00:00Z\",\"ctime\":\"0001-01-01T00:00:00Z\",\"uid\":0,\"gid\":0,\"content\":null}", json, StringComparison.Ordinal);
        var parsed = TreeJson.Parse(Encoding.UTF8.GetBytes(json));
        Assert.NotNull(parsed[1].Content);
        Assert.Empty(parsed[1].Content!);
        Assert.Null(parsed[0].Content);
        Assert.Equal(GoTime.Zero, parsed[0].ModTime);
    }

    [Fact]
    public void AllOptionalFieldsInGoOrder()
    {
        var t = GoTime.Parse("2025-03-04T05:06:07.5+01:00");
        var node = new Node
        {
            Name = "dev"u8.ToArray(),
            Type = NodeType.CharDev,
            Mode = GoFileMode.FromUnix(0x2000 | 0x1B6),
            ModTime = t,
            AccessTime = t,
            ChangeTime = t,
            Uid = 1000,
            Gid = 1001,
            User = "u<",
            Group = "g",
            Inode = 7,
            DeviceId = 8,
            Size = 9,
            Links = 10,
            LinkTarget = "t"u8.ToArray(),
            ExtendedAttributes = [new ExtendedAttribute("user.x", "hi"u8.ToArray())],
            GenericAttributes = new Dictionary<string, byte[]>
            {
                ["windows.security_descriptor"] = " \"a<b\" "u8.ToArray(),
                ["windows.creation_time"] = "{ \"x\" : [1, 2] }"u8.ToArray(),
            },
            Device = 0x0501,
            Content = [BlobId.Parse(new string('a', 64))],
            Subtree = BlobId.Parse(new string('b', 64)),
            Error = "oops",
        };
        var json = Encoding.UTF8.GetString(TreeJson.Serialize([node]));
        const string Expected =
            """{"nodes":[{"name":"dev","type":"chardev","mode":69206454,"mtime":"2025-03-04T05:06:07.5+01:00","atime":"2025-03-04T05:06:07.5+01:00","ctime":"2025-03-04T05:06:07.5+01:00","uid":1000,"gid":1001,"user":"u\u003c","group":"g","inode":7,"device_id":8,"size":9,"links":10,"linktarget":"t","extended_attributes":[{"name":"user.x","value":"aGk="}],"generic_attributes":{"windows.creation_time":{"x":[1,2]},"windows.security_descriptor":"a\u003cb"},"device":1281,"content":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],"subtree":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","error":"oops"}]}""";
        Assert.Equal(Expected + "\n", json);

        var back = Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(NodeType.CharDev, back.Type);
        Assert.Equal(t, back.ModTime);
        Assert.Equal("u<", back.User);
        Assert.Equal("hi"u8.ToArray(), Assert.Single(back.ExtendedAttributes!).Value);
        Assert.Equal("{\"x\":[1,2]}", Encoding.UTF8.GetString(back.GenericAttributes!["windows.creation_time"]));
        Assert.Equal(0x0501ul, back.Device);
        Assert.Equal("oops", back.Error);
        Assert.Equal(json, Encoding.UTF8.GetString(TreeJson.Serialize([back])));
    }

    [Fact]
    public void InvalidUtf8LinkTargetWritesRawBase64()
    {
        byte[] target = [.. "tgt"u8, 0xFF, .. "bad"u8];
        var node = new Node { Name = "l"u8.ToArray(), Type = NodeType.Symlink, LinkTarget = target };
        var json = Encoding.UTF8.GetString(TreeJson.Serialize([node]));
        Assert.Contains("\"linktarget\":\"tgt\\ufffdbad\",\"linktarget_raw\":\"dGd0/2JhZA==\",\"content\":null}", json, StringComparison.Ordinal);
        Assert.Equal(target, Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(json))).LinkTarget);
    }

    [Fact]
    public void ParseIsTolerant()
    {
        const string Pretty = """
            {
              "extra": {"a": [1, {"b": null}]},
              "NODES": [
                {
                  "Name": "x\\101\\x42\\u00e9",
                  "unknown": [1, 2, 3],
                  "type": "dir",
                  "mode": null,
                  "subtree": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
                  "mtime": "2020-01-01T00:00:00.1Z"
                }
              ],
              "after": true
            }
            """;
        var node = Assert.Single(TreeJson.Parse(Encoding.UTF8.GetBytes(Pretty)));
        Assert.Equal("xABé"u8.ToArray(), node.Name);
        Assert.Equal(NodeType.Dir, node.Type);
        Assert.Equal(0u, node.Mode);
        Assert.Equal(BlobId.Parse(new string('c', 64)), node.Subtree);
        Assert.Equal(100_000_000, node.ModTime.Nanoseconds);
        Assert.Equal(GoTime.Zero, node.ChangeTime);
    }

    [Theory]
    [InlineData("""{"nodes":[{"name":"a","type":"bogus"}]}""")]
    [InlineData("""{"nodes":[{"name":"a","mode":"x"}]}""")]
    [InlineData("""{"nodes":[{"name":"a\\q"}]}""")]
    [InlineData("""{"nodes":[{"name":"a","content":["zz"]}]}""")]
    [InlineData("""{"nodes":[""")]
    [InlineData("[]")]
    public void ParseRejectsBadInput(string json) =>
        Assert.Throws<InvalidDataException>(() => TreeJson.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void DisplayNameShowsInvalidBytes()
    {
        Assert.Equal("bad\\xffutf8é", new Node { Name = [.. "bad"u8, 0xFF, .. "utf8é"u8] }.DisplayName);
        Assert.Equal("plain", new Node { Name = "plain"u8.ToArray() }.DisplayName);
    }
}
