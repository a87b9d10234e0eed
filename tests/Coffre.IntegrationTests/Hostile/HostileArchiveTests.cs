using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Archives;

namespace Coffre.IntegrationTests.Hostile;

/// <summary>
/// Archives made to hurt: a metadata.json whose names are paths, and tar headers that claim gigabytes of metadata
/// in a few KB of gzip. Each is refused with one line, nothing is written outside the target, memory stays small.
/// </summary>
public class HostileArchiveTests
{
    /// <summary>An exported archive rewritten with python's tarfile so its metadata.json names <paramref name="field"/> as given.</summary>
    private static string Rewrite(ArchiveApp app, string archive, string edit)
    {
        var forged = app.Sub("forged.tar.gz");
        ArchiveApp.Python("""
            import io, json, sys, tarfile
            src, dst, edit = sys.argv[1:4]
            with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as tout:
                for m in tin.getmembers():
                    data = tin.extractfile(m).read() if m.isfile() else None
                    if m.name == "metadata.json":
                        meta = json.loads(data)
                        exec(edit)
                        data = json.dumps(meta).encode()
                        m.size = len(data)
                    tout.addfile(m, io.BytesIO(data) if data is not None else None)
            """, archive, forged, edit);
        return forged;
    }

    [Theory]
    [InlineData("meta['databases'][0]['name'] = '../../outside'; meta['databases'][0]['file'] = 'database/../../outside.sqlite'", "a database \"../../outside\"")]
    [InlineData("meta['databases'][0]['name'] = '../../outside'", "a database \"../../outside\"")]
    [InlineData("meta['databases'][0]['file'] = 'database/../../../outside.sqlite'", "the dump file \"database/../../../outside.sqlite\"")]
    [InlineData("meta['media'][0]['name'] = '../outside'", "a media folder \"../outside\"")]
    [InlineData("meta['application'] = '../shop'", "the application \"../shop\"")]
    public void A_metadata_json_naming_paths_is_refused_by_restore_and_import(string edit, string named)
    {
        using var app = new ArchiveApp("hostile-metadata");
        var id = app.InitAndBackup();
        var archive = app.Sub("export.tar.gz");
        app.Coffre.Ok("export", id, archive);
        var forged = Rewrite(app, archive, edit);

        // The target is a folder inside a sentinel folder: nothing may appear beside it, nor anywhere else in the test folder.
        var sentinel = app.CreateSub("sentinel");
        var target = Path.Combine(sentinel, "target");
        var before = Listing(app.Sub(""));
        var restore = app.Coffre.Run("restore", forged, "--target", target, "--force");
        AssertRefused(restore, "metadata.json names " + named, "forged.tar.gz");
        var import = app.Coffre.Run("import", forged);
        AssertRefused(import, "metadata.json names " + named, "nothing was imported");
        var after = Listing(app.Sub("")).Where(p => !p.Contains("/repo/", StringComparison.Ordinal) && !p.Contains("/target", StringComparison.Ordinal)).ToList();
        Assert.Equal(before.Where(p => !p.Contains("/repo/", StringComparison.Ordinal)), after);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(sentinel), e => Path.GetFileName(e) != "target");
        Assert.Single(app.Coffre.Json("list").EnumerateArray()); // nothing imported
    }

    /// <summary>Exit code 1, no crash, and the error as the last stderr line (a forged archive has no sidecar: a warning says so first).</summary>
    private static void AssertRefused(ProcessResult r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 1, r.Describe());
        Errors.AssertNoCrash(r);
        var lines = r.StdErrLines;
        Assert.True(lines.Length is 1 or 2 && (lines.Length == 1 || lines[0].Contains("warning: no ", StringComparison.Ordinal)), r.Describe());
        foreach (var m in mentions) Assert.True(lines[^1].Contains(m, StringComparison.Ordinal), $"'{m}' expected\n{r.Describe()}");
    }

    private static List<string> Listing(string root) =>
        [.. Directory.GetFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData('x', 2L << 30, "a PAX extended header of 2147483648 bytes")]
    [InlineData('g', 3L << 30, "a PAX extended header of 3221225472 bytes")]
    [InlineData('L', 1L << 30, "a GNU long name of 1073741824 bytes")]
    [InlineData('K', 100L << 20, "a GNU long name of 104857600 bytes")]
    public void A_tar_header_claiming_gigabytes_is_refused_before_it_is_read(char type, long size, string message)
    {
        using var app = new ArchiveApp("hostile-tar");
        app.Coffre.Ok("init");
        var archive = app.Sub("huge-header.tar.gz");
        // A header claiming SIZE bytes of metadata, then 64 MiB of zeros (64 KB of gzip): .NET's reader allocates the
        // whole record at the claimed size (the reported case: 4.8 MB of gzip, 2 GB resident).
        ArchiveApp.Python("""
            import gzip, sys
            path, kind, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
            h = bytearray(512)
            h[0:9] = b"PaxHeader"
            h[100:108] = b"0000644\0"; h[108:116] = b"0000000\0"; h[116:124] = b"0000000\0"
            h[124:136] = ("%011o" % size).encode() + b"\0"
            h[136:148] = b"00000000000\0"
            h[156] = ord(kind)
            h[257:263] = b"ustar\0"; h[263:265] = b"00"
            h[148:156] = b"        "
            h[148:156] = ("%06o\0 " % sum(h)).encode()
            with gzip.open(path, "wb", compresslevel=1) as f:
                f.write(bytes(h))
                zero = bytes(1 << 20)
                for _ in range(64): f.write(zero)
            """, archive, type.ToString(), size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(new FileInfo(archive).Length < 1 << 20);

        var r = app.Coffre.Run("import", archive);
        AssertRefused(r, "huge-header.tar.gz is refused", message, "nothing was imported");
        Assert.Empty(app.Coffre.Json("list").EnumerateArray());
    }

    [Fact]
    public void A_GNU_sparse_entry_is_refused_with_a_clear_message()
    {
        using var app = new ArchiveApp("hostile-sparse");
        app.Coffre.Ok("init");
        var src = app.CreateSub("sparse");
        ArchiveApp.Python("import sys; f=open(sys.argv[1],'wb'); f.seek(50<<20); f.write(b'end'); f.close()", Path.Combine(src, "holes.bin"));
        var archive = app.Sub("sparse.tar.gz");
        ArchiveApp.Tar(src, "--sparse", "--format=gnu", "-czf", archive, "holes.bin");
        var r = app.Coffre.Run("import", archive);
        AssertRefused(r, "sparse.tar.gz is refused", "GNU sparse");
    }
}
