using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// coffre.json `copies` through the CLI: each application backup is copied to every copy; a copy that cannot be
/// reached does not fail the backup (exit 0) but prints a warning and is journaled; each copy applies its own
/// retention; `coffre copy` without --from-repo brings every copy up to date.
/// </summary>
public class CopyAfterBackupCliTests
{
    private const string CopyPassword = "copy pässwort";

    [Fact]
    public void Each_backup_goes_to_the_reachable_copy_and_an_unreachable_one_is_a_journaled_warning()
    {
        using var dir = new TestDirectory("copy-after");
        var app = dir.CreateSub("app");
        Directory.CreateDirectory(Path.Combine(app, "media"));
        File.WriteAllText(Path.Combine(app, "media", "photo.jpg"), "jpeg bytes");
        File.WriteAllText(Path.Combine(app, "coffre.json"), """
            { "application": "shop",
              "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
              "media": [ { "path": "media" } ],
              "copies": [
                { "location": "usb", "passwordEnv": "COPY_PASSWORD", "retention": { "keepWithinDays": 0, "last": 1 } },
                { "location": "unplugged/nas", "passwordEnv": "COPY_PASSWORD" } ] }
            """);
        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Environment["COPY_PASSWORD"] = CopyPassword;
        coffre.Ok("init");
        var usb = new CoffreRunner(Path.Combine(app, "usb"), CopyPassword) { WorkingDirectory = app };
        usb.Environment["COFFRE_FROM_PASSWORD"] = TestPasswords.Default;
        usb.Ok("init", "--copy-chunker-params", "--from-repo", Path.Combine(app, "repo"));

        var first = coffre.Run("backup");

        Assert.True(first.ExitCode == 0, first.Describe());
        Assert.Contains($"coffre: warning: copy to {Path.Combine(app, "unplugged/nas")} failed: no repository at", first.StdErr, StringComparison.Ordinal);
        Assert.Contains($"copy {Path.Combine(app, "usb")}: copied as", first.StdOut, StringComparison.Ordinal);
        var record = JsonDocument.Parse(File.ReadAllLines(Path.Combine(app, "logs", "history.jsonl"))[^1]).RootElement;
        Assert.Equal("backup", record.GetProperty("operation").GetString());
        Assert.Equal("ok", record.GetProperty("result").GetString());
        Assert.True(record.GetProperty("copy_failed").GetBoolean());
        var copies = record.GetProperty("copies").GetString()!;
        Assert.Contains($"{Path.Combine(app, "usb")}: copied as", copies, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(app, "unplugged/nas")}: failed: no repository at", copies, StringComparison.Ordinal);
        var primary = new ResticRunner(Path.Combine(app, "repo"));
        var resticUsb = new ResticRunner(Path.Combine(app, "usb"), CopyPassword);
        var made = Assert.Single(primary.Snapshots()).GetProperty("id").GetString();
        Assert.Equal(made, Assert.Single(resticUsb.Snapshots()).GetProperty("original").GetString());

        var json = coffre.Json("backup");
        var reported = json.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal(2, reported.Count);
        Assert.Equal(JsonValueKind.Null, reported[0].GetProperty("error").ValueKind);
        Assert.Contains("no repository at", reported[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, primary.Snapshots().Count);
        var kept = Assert.Single(resticUsb.Snapshots()); // the copy's own retention: the newest one
        Assert.Equal(json.GetProperty("snapshot_id").GetString(), kept.GetProperty("original").GetString());
        resticUsb.AssertCheckReadData();

        // By hand: every copy brought up to date; the unreachable one fails the command, the others are done.
        var byHand = coffre.Run("copy");
        Assert.True(byHand.ExitCode == 1, byHand.Describe());
        Assert.Contains($"copy to {Path.Combine(app, "unplugged/nas")} failed", byHand.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, resticUsb.Snapshots().Count);
        var last = JsonDocument.Parse(File.ReadAllLines(Path.Combine(app, "logs", "history.jsonl"))[^1]).RootElement;
        Assert.Equal("copy", last.GetProperty("operation").GetString());
        Assert.Equal("failed", last.GetProperty("result").GetString());
    }
}
