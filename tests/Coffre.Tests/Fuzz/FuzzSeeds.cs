using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Coffre.Jobs;
using Coffre.Model;
using Coffre.Repository.Pack;
using Coffre.Tests.Repository;
using Coffre.Application;

namespace Coffre.Tests.Fuzz;

/// <summary>The valid inputs each parser campaign mutates: what restic and Coffre really write.</summary>
internal static class FuzzSeeds
{
    private const string Id1 = "d7aaf83f99b9ef6e93ebb0d2afcedf19ae9b7768687e23cf4b33c713f0d6ec2c";
    private const string Id2 = "f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755";
    private const string Id3 = "3e2dc99cf9f16695c3022ac3094d269dc9613a3421e44230004115c6970b314a";

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[][] PackHeaders()
    {
        var a = new IndexBlob(BlobId.Parse(Id1), BlobType.Data, 0, 1234, 0);
        var b = new IndexBlob(BlobId.Parse(Id2), BlobType.Tree, 1234, 80, 300);
        var c = new IndexBlob(BlobId.Parse(Id3), BlobType.Data, 1314, 4_000_000, 8_000_000);
        return [PackHeader.Encode([a]), PackHeader.Encode([a, b, c]), PackHeader.Encode([b, c, a, b])];
    }

    public static byte[][] Indexes() =>
    [
        U($$"""{"packs":[{"id":"{{Id1}}","blobs":[{"id":"{{Id2}}","type":"data","offset":0,"length":38,"uncompressed_length":13},{"id":"{{Id3}}","type":"tree","offset":38,"length":412}]},{"id":"{{Id2}}","blobs":[{"id":"{{Id1}}","type":"data","offset":0,"length":4194304}]}]}""" + "\n"),
        U($$"""{"supersedes":["{{Id3}}"],"packs":[{"id":"{{Id3}}","blobs":[{"id":"{{Id1}}","type":"tree","offset":0,"length":100}]}]}"""),
    ];

    public static byte[][] Trees() =>
    [
        U($$"""{"nodes":[{"name":"b.txt","type":"file","mode":420,"mtime":"2024-01-02T03:04:05.123456789Z","atime":"2024-01-02T03:04:05.123456789Z","ctime":"2026-11-21T10:42:38.83906722Z","uid":0,"gid":0,"user":"root","group":"root","inode":12018687,"device_id":65024,"size":79,"links":1,"content":["{{Id1}}","{{Id2}}"]}]}""" + "\n"),
        U($$"""{"nodes":[{"name":"dir","type":"dir","mode":2147484141,"mtime":"2024-01-02T03:04:05Z","atime":"2024-01-02T03:04:05Z","ctime":"2024-01-02T03:04:05Z","uid":1000,"gid":1000,"user":"u","inode":5,"device_id":2049,"content":null,"subtree":"{{Id3}}"},{"name":"link","type":"symlink","mode":134218239,"mtime":"2024-01-02T03:04:05Z","atime":"2024-01-02T03:04:05Z","ctime":"2024-01-02T03:04:05Z","uid":0,"gid":0,"linktarget":"hello.txt","inode":6,"links":1,"content":null},{"name":"n\u00e9\\xff","type":"file","mode":384,"mtime":"2024-01-02T03:04:05Z","atime":"2024-01-02T03:04:05Z","ctime":"2024-01-02T03:04:05Z","uid":0,"gid":0,"size":0,"links":2,"content":[],"extended_attributes":[{"name":"user.a","value":"AAEC"}]},{"name":"dev","type":"chardev","mode":69206454,"mtime":"2024-01-02T03:04:05Z","atime":"2024-01-02T03:04:05Z","ctime":"2024-01-02T03:04:05Z","uid":0,"gid":0,"device":259,"content":null}]}""" + "\n"),
    ];

    public static byte[][] Snapshots() =>
    [
        U(ResticVectors.SnapshotJson),
        U($$$"""{"time":"2024-01-02T03:04:05.123456789+01:00","parent":"{{{Id1}}}","tree":"{{{Id2}}}","paths":["/a","/b"],"hostname":"h","username":"u","uid":1000,"gid":1000,"excludes":["*.tmp"],"tags":["coffre","app:x"],"original":"{{{Id3}}}","program_version":"restic 0.14.0","summary":{"backup_start":"2024-01-02T03:04:05Z","backup_end":"2024-01-02T03:04:06Z","files_new":1,"files_changed":2,"files_unmodified":3,"dirs_new":4,"dirs_changed":5,"dirs_unmodified":6,"data_blobs":7,"tree_blobs":8,"data_added":9,"data_added_packed":10,"total_files_processed":11,"total_bytes_processed":12}}"""),
    ];

    public static byte[][] KeyFiles() => [U(ResticVectors.KeyFileJson)];

    public static byte[][] MasterKeys() => [U(ResticVectors.MasterKeyJsonText)];

    public static byte[][] RepositoryConfigs() => [U(ResticVectors.ConfigJson), U("""{"version":1,"id":"abc","chunker_polynomial":"3f8da62e97eccb"}""")];

    public static byte[][] Locks() =>
    [
        U("""{"time":"2026-11-21T10:42:42.505011896Z","exclusive":false,"hostname":"testhost","username":"root","pid":4242,"uid":0,"gid":0}"""),
        U("""{"time":"2026-11-21T10:42:42Z","exclusive":true,"hostname":"h","username":"u","pid":1}"""),
    ];

    public static byte[][] Metadata() =>
    [
        new ApplicationMetadata
        {
            Time = "2026-12-07T10:00:00.000Z",
            Application = "boutique",
            Host = "web1",
            Databases = [new DatabaseMetadata("main", "postgresql", "database/main.pgdump", "17.2", 123456, new Dictionary<string, long> { ["public.orders"] = 12, ["public.users"] = 3 })],
            Media = [new MediaMetadata("media", "/srv/media", 10, 2048)],
            TotalSize = 125504,
            DurationSeconds = 1.5,
            CoffreVersion = "1.0.0",
            Status = "complete",
            Purpose = "pre-restore of 1a2b3c4d",
        }.ToJson(),
    ];

    public static byte[][] CoffreJson()
    {
        var sample = SampleConfig();
        return [sample, U("""{"application":"a","repository":{"path":"./r","passwordEnv":"P"},"media":[{"path":"m"}],"databases":[{"engine":"sqlite","path":"x.db"}]}""")];
    }

    /// <summary>A tar with what an archive holds: metadata.json, a dump, media files, a folder, a symlink, a hard link, long (PAX and GNU) names.</summary>
    public static byte[][] Tars() => [Tar(TarEntryFormat.Pax), Tar(TarEntryFormat.Gnu), Tar(TarEntryFormat.Ustar)];

    public static byte[][] TarGzs() => [.. Tars().Select(Gzip)];

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    private static byte[] Tar(TarEntryFormat format)
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, format, leaveOpen: true))
        {
            void File(string name, byte[] content)
            {
                var e = Entry(format, TarEntryType.RegularFile, name);
                e.DataStream = new MemoryStream(content);
                w.WriteEntry(e);
            }
            File("metadata.json", Metadata()[0]);
            w.WriteEntry(Entry(format, TarEntryType.Directory, "database/"));
            File("database/main.sql", U("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n"));
            w.WriteEntry(Entry(format, TarEntryType.Directory, "media/uploads/"));
            File("media/uploads/a.jpg", new byte[700]);
            var longName = "media/uploads/" + new string('n', 150) + "/" + new string('m', 60) + ".txt";
            if (format != TarEntryFormat.Ustar) File(longName, U("long"));
            var link = Entry(format, TarEntryType.SymbolicLink, "media/uploads/link");
            link.LinkName = "a.jpg";
            w.WriteEntry(link);
            var hard = Entry(format, TarEntryType.HardLink, "media/uploads/hard");
            hard.LinkName = "media/uploads/a.jpg";
            w.WriteEntry(hard);
        }
        return ms.ToArray();
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name)
    {
        TarEntry e = format switch
        {
            TarEntryFormat.Pax => new PaxTarEntry(type, name),
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            _ => new UstarTarEntry(type, name),
        };
        e.ModificationTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        e.Mode = type == TarEntryType.Directory ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4;
        return e;
    }

    private static byte[] SampleConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var sample = Path.Combine(dir.FullName, "samples", "coffre.json");
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Coffre.slnx")) && System.IO.File.Exists(sample)) return System.IO.File.ReadAllBytes(sample);
        }
        throw new FileNotFoundException("samples/coffre.json not found above the test folder");
    }
}
