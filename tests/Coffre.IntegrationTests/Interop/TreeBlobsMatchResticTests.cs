using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Tests;

namespace Coffre.IntegrationTests.Interop;

/// <summary>
/// Coffre writes tree blobs byte for byte as restic does (field order, omitted fields, Go escaping, name
/// sorting, mode bits, times), so the same folder gets the same tree ID from both tools and trees deduplicate
/// too. Compared on the awkward tree, below the backed-up folder (its parents change as other tests run).
/// </summary>
public class TreeBlobsMatchResticTests
{
    [Fact]
    public void Awkward_tree_gets_the_same_tree_ids_from_restic_and_coffre()
    {
        using var dir = new TestDirectory("tree-ids");
        // restic 0.14 stores a symlink target that is not UTF-8 lossily, so that one would differ on purpose.
        // Special files have their own test below.
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")),
            new TreeOptions { NonUtf8SymlinkTarget = false, Fifo = false, BigFileSize = 3 << 20, CompressibleSize = 1 << 20 });

        AssertSameTreeIds(dir, tree.RootText);
    }

    [Theory]
    [InlineData("America/St_Johns")] // -03:30 / -02:30
    [InlineData("Asia/Kathmandu")]   // +05:45
    [InlineData("Europe/Paris")]     // +01:00 / +02:00
    public void Times_in_a_local_time_zone_are_written_as_restic_writes_them(string timeZone)
    {
        Assert.True(File.Exists("/usr/share/zoneinfo/" + timeZone), "needs tzdata");
        using var dir = new TestDirectory("tree-ids-tz");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")),
            new TreeOptions { NonUtf8SymlinkTarget = false, Fifo = false, BigFileSize = 1 << 16, CompressibleSize = 1 << 16 });

        AssertSameTreeIds(dir, tree.RootText, timeZone);
    }

    [Fact]
    public void Fifo_gets_the_same_tree_id_from_restic_and_coffre()
    {
        using var dir = new TestDirectory("tree-ids-fifo");
        var src = FolderWithAFile(dir);
        Posix.MakeFifo(UnixPath.Join(src, "fifo"u8), 0x1A4);

        AssertSameTreeIds(dir, UnixPath.ToDisplay(src));
    }

    [RootFact] // mknod of a device needs root; the tests run as root in CI
    public void Device_nodes_get_the_same_tree_id_from_restic_and_coffre()
    {
        using var dir = new TestDirectory("tree-ids-dev");
        var src = FolderWithAFile(dir);
        Posix.MakeNode(UnixPath.Join(src, "chardev-null"u8), 0x2000 | 0x1B6, FileStatus.MakeDevice(1, 3));
        Posix.MakeNode(UnixPath.Join(src, "blockdev"u8), 0x6000 | 0x1B0, FileStatus.MakeDevice(7, 200));

        AssertSameTreeIds(dir, UnixPath.ToDisplay(src));
    }

    [Fact]
    public void Socket_is_left_out_as_restic_does()
    {
        using var dir = new TestDirectory("tree-ids-socket");
        var src = FolderWithAFile(dir);
        // A socket file exists while its socket is open (.NET removes it on close). restic skips sockets.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(UnixPath.ToDisplay(UnixPath.Join(src, "socket"u8))));

        AssertSameTreeIds(dir, UnixPath.ToDisplay(src));
    }

    private static byte[] FolderWithAFile(TestDirectory dir)
    {
        var src = UnixPath.FromString(dir.Sub("special"));
        RawFiles.Dir(src);
        RawFiles.Write(UnixPath.Join(src, "file"u8), "regular\n");
        return src;
    }

    /// <summary>coffre backs up the folder, then restic (reading every file again) into the same repository: the folder's tree IDs must be equal.</summary>
    private static void AssertSameTreeIds(TestDirectory dir, string folder, string? timeZone = null)
    {
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        var restic = new ResticRunner(repo);
        if (timeZone is not null)
        {
            coffre.Environment["TZ"] = timeZone;
            restic.Environment["TZ"] = timeZone;
        }
        coffre.Init();
        var ours = coffre.Backup(folder).SnapshotId;
        restic.Backup("--force", folder);
        var theirs = restic.Snapshots().Select(s => s.GetProperty("id").GetString()!).Single(id => id != ours);

        restic.AssertCheckReadData();
        var ourTree = SubtreeOf(restic, ours, folder);
        var theirTree = SubtreeOf(restic, theirs, folder);

        if (ourTree != theirTree) Assert.Fail("coffre's tree differs from restic's for the same folder:\n" + Differences(restic, ourTree, theirTree, folder));
    }

    /// <summary>The subtree ID of the folder at <paramref name="absolutePath"/> in a snapshot, read through restic.</summary>
    private static string SubtreeOf(ResticRunner restic, string snapshot, string absolutePath)
    {
        using var sn = JsonDocument.Parse(restic.Ok("cat", "snapshot", snapshot).StdOut);
        var id = sn.RootElement.GetProperty("tree").GetString()!;
        foreach (var part in absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            using var t = JsonDocument.Parse(restic.Ok("cat", "blob", id).StdOut);
            id = t.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == part).GetProperty("subtree").GetString()!;
        }
        return id;
    }

    private static string Names(List<JsonElement> nodes) => string.Join(", ", nodes.Select(n => n.GetProperty("name").GetString()));

    /// <summary>Walks both trees and describes every node whose JSON differs.</summary>
    private static string Differences(ResticRunner restic, string ours, string theirs, string path)
    {
        var a = restic.Ok("cat", "blob", ours).StdOut;
        var b = restic.Ok("cat", "blob", theirs).StdOut;
        using var da = JsonDocument.Parse(a);
        using var db = JsonDocument.Parse(b);
        var na = da.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        var nb = db.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        if (na.Count != nb.Count)
            return $"{path}: coffre has {na.Count} nodes ({Names(na)}), restic {nb.Count} ({Names(nb)})\n";
        var report = new System.Text.StringBuilder();
        for (var i = 0; i < na.Count; i++)
        {
            var ra = na[i].GetRawText();
            var rb = nb[i].GetRawText();
            if (ra == rb) continue;
            if (na[i].GetProperty("type").GetString() == "dir" && nb[i].GetProperty("type").GetString() == "dir")
            {
                var sa = na[i].GetProperty("subtree").GetString()!;
                var sb = nb[i].GetProperty("subtree").GetString()!;
                if (ra.Replace(sa, "", StringComparison.Ordinal) == rb.Replace(sb, "", StringComparison.Ordinal))
                {
                    report.Append(Differences(restic, sa, sb, path + "/" + na[i].GetProperty("name").GetString()));
                    continue;
                }
            }
            report.Append($"{path}: node {i}\n  coffre: {ra}\n  restic: {rb}\n");
        }
        if (report.Length == 0 && a != b) report.Append($"{path}: same nodes, different bytes (separators, key order or trailing newline)\n  coffre: {a}\n  restic: {b}\n");
        return report.ToString();
    }
}
