using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Coffre.Server.Tests;

/// <summary>A backup's page: its summary, its files in natural order, one file (with its size and SHA-256) or one folder (.tar.gz) downloaded.</summary>
public sealed class BackupDownloadsTests(BackedUpDashboard served) : IClassFixture<BackedUpDashboard>
{
    private const string P = BackedUpDashboard.P;

    [Fact]
    public async Task The_files_are_in_natural_order_and_the_page_sums_the_backup_up()
    {
        using var client = await served.LoggedInAsync();
        var page = await client.GetStringAsync(new Uri($"{P}/backups/{served.Snapshot}?path=/media/media/uploads", UriKind.Relative));
        var names = Regex.Matches(page, "<tr><td>([^<]+)</td>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["clip-1.txt", "clip-2.txt", "clip-10.txt", "clip-11.txt", "photo.jpg"], names);
        var summary = Regex.Match(page, "<dl id=\"summary\">.*?</dl>", RegexOptions.Singleline).Value;
        Assert.Matches(@"<dt>Size</dt><dd>[0-9.]+ KiB in [0-9]+ files</dd>", summary);
        Assert.Contains("<dt>Data added</dt>", summary, StringComparison.Ordinal);
        Assert.Contains("<dt>Status</dt><dd class=\"ok\">complete</dd>", summary, StringComparison.Ordinal);
        Assert.Contains("UTC", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_file_downloads_with_its_size_and_its_sha256_is_that_of_the_bytes()
    {
        using var client = await served.LoggedInAsync();
        const string path = "/media/media/uploads/clip-10.txt";
        using var file = await client.GetAsync(new Uri($"{P}/backups/{served.Snapshot}/file?path={Uri.EscapeDataString(path)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(1000, file.Content.Headers.ContentLength);
        Assert.Equal("clip-10.txt", file.Content.Headers.ContentDisposition?.FileName);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(served.MediaFolder, "uploads", "clip-10.txt")), bytes);

        var sum = await client.GetStringAsync(new Uri($"{P}/backups/{served.Snapshot}/sha256?path={Uri.EscapeDataString(path)}", UriKind.Relative));
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  clip-10.txt\n", sum);

        foreach (var wrong in new[] { "/media/media/uploads/nothing.txt", "/media/media/uploads", "/../etc/passwd", new string('/', 5000) })
        {
            using var r = await client.GetAsync(new Uri($"{P}/backups/{served.Snapshot}/file?path={Uri.EscapeDataString(wrong)}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.True((await r.Content.ReadAsStringAsync()).Length < 700);
        }
    }

    [Fact]
    public async Task A_folder_downloads_as_a_tar_gz_of_what_it_holds()
    {
        using var client = await served.LoggedInAsync();
        using var r = await client.GetAsync(new Uri($"{P}/backups/{served.Snapshot}/folder?path=/media/media/uploads", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("uploads.tar.gz", r.Content.Headers.ContentDisposition?.FileName);
        await using var gzip = new GZipStream(await r.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var entries = new Dictionary<string, long>();
        while (await tar.GetNextEntryAsync() is { } e) entries[e.Name] = e.Length;
        Assert.Equal(["uploads/", "uploads/clip-1.txt", "uploads/clip-10.txt", "uploads/clip-11.txt", "uploads/clip-2.txt", "uploads/photo.jpg"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1100, entries["uploads/clip-11.txt"]);
    }
}
