using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Server;

/// <summary>The dashboard's file browser and download: a backup's folders, and the same archive as <c>coffre export</c>, streamed.</summary>
public class ServerBrowseTests
{
    [Fact]
    public async Task A_backup_can_be_browsed_folder_by_folder_and_downloaded_as_the_export_archive()
    {
        using var dir = new TestDirectory("serve-browse");
        await using var served = await ServedApp.StartAsync(dir);
        served.App.Coffre.Ok("backup");
        var id = served.History().Single(r => r.Operation == "backup").SnapshotId!;

        using (var anonymous = await served.Client.GetAsync(new Uri($"/backups/{id}/export", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode); // the login first, as everywhere
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var root = await served.Client.GetStringAsync(new Uri($"/backups/{id}", UriKind.Relative));
        Assert.Contains("?path=%2Fdatabase\">database/</a>", root, StringComparison.Ordinal);
        Assert.Contains("?path=%2Fmedia\">media/</a>", root, StringComparison.Ordinal);
        Assert.Contains("metadata.json", root, StringComparison.Ordinal);
        var year = await served.Client.GetStringAsync(new Uri($"/backups/{id[..8]}?path=/media/media/uploads/2024", UriKind.Relative));
        Assert.Contains("reçu n°1.pdf".Replace("°", "&#xB0;", StringComparison.Ordinal).Replace("ç", "&#xE7;", StringComparison.Ordinal), year, StringComparison.Ordinal);
        Assert.Contains("photo.jpg", year, StringComparison.Ordinal);
        Assert.DoesNotContain("thumb.bin", await served.Client.GetStringAsync(new Uri($"/backups/{id}?path=/media/media", UriKind.Relative)), StringComparison.Ordinal);

        using (var missing = await served.Client.GetAsync(new Uri($"/backups/{id}?path=/media/nope", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("/media/nope is not in backup", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var unknown = await served.Client.GetAsync(new Uri("/backups/00000000/export", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var download = await served.Client.GetAsync(new Uri($"/backups/{id}/export", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/gzip", download.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".tar.gz", download.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var downloaded = Entries(await download.Content.ReadAsByteArrayAsync());

        // The same entries, with the same contents, as the command line's export of that backup.
        var exported = Path.Combine(dir.Path, "export.tar.gz");
        served.App.Coffre.Ok("export", id, exported);
        Assert.Equal(Entries(File.ReadAllBytes(exported)), downloaded);
        Assert.Equal("jpeg bytes", downloaded.Single(e => e.Key.EndsWith("photo.jpg", StringComparison.Ordinal)).Value);
    }

    /// <summary>Each regular file of a tar.gz: name → contents (as text, enough to compare).</summary>
    private static SortedDictionary<string, string> Entries(byte[] archive)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile) continue;
            using var reader = new StreamReader(entry.DataStream!, System.Text.Encoding.Latin1);
            entries[entry.Name] = reader.ReadToEnd();
        }
        return entries;
    }
}
