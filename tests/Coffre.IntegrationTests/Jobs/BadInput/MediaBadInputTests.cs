using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// A media folder that is gone: exit 1 before anything is written. A media file the backing-up user cannot read
/// (coffre runs as nobody when the tests run as root): exit 3, the file named on stderr, and a snapshot whose
/// metadata.json says "incomplete" and holds everything else.
/// </summary>
public class MediaBadInputTests
{
    [Fact]
    public void Media_folder_missing()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        var database = BrokenApp.FileState(app.SqlitePath);
        var moved = app.Media + ".moved";
        Directory.Move(app.Media, moved);

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"media[0].path: {app.Media} does not exist", "coffre config check");
        Directory.Move(moved, app.Media);
        Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched(repositoryUnchanged: true);
    }

    [Fact]
    public void Media_file_unreadable()
    {
        using var app = new BrokenApp(asNobody: true);
        app.Databases.Add(app.Sqlite());
        app.Start();
        var unreadable = Path.Combine(app.Media, "2024", "photo-1.jpg");
        File.SetUnixFileMode(unreadable, UnixFileMode.None);
        var database = BrokenApp.FileState(app.SqlitePath);
        app.Remember();

        var r = app.Backup("--json");

        Assert.True(r.ExitCode == 3, $"expected exit code 3\n{r.Describe()}");
        Errors.AssertNoCrash(r);
        var line = Assert.Single(r.StdErrLines);
        Assert.StartsWith($"coffre: cannot read {unreadable}: ", line, StringComparison.Ordinal);
        using (var summary = JsonDocument.Parse(r.StdOut))
            Assert.Equal("incomplete", summary.RootElement.GetProperty("status").GetString());

        var metadata = app.LatestMetadata();
        Assert.Equal("incomplete", metadata.GetProperty("status").GetString());
        Assert.Equal(300, metadata.GetProperty("databases")[0].GetProperty("tables").GetProperty("main.products").GetInt64());
        var listed = app.Coffre.Json("list");
        Assert.Equal("incomplete", listed[0].GetProperty("status").GetString());
        Assert.Equal("complete", listed[1].GetProperty("status").GetString());

        // Everything else is in the new snapshot; the unreadable file is not.
        var files = new ResticRunner(app.Repository).Ok("ls", "latest").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("/media/uploads/logo.png", files);
        Assert.Contains("/media/uploads/2024/notes.txt", files);
        Assert.Contains("/database/catalog.sqlite", files);
        Assert.DoesNotContain("/media/uploads/2024/photo-1.jpg", files);

        Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched(newSnapshots: 1);
    }
}
