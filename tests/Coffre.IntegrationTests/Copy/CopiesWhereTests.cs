using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.IntegrationTests.Storage.Rest;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// Where each backup exists: `coffre list` names the copies holding each backup (matched on the copies' `original`),
/// a local copy and a REST copy whose credentials come from coffre.json sources; a copy that cannot be read is named
/// without failing the list. `coffre restore --from COPY` puts the application back when the primary is gone (and a drill proves it first).
/// </summary>
public class CopiesWhereTests
{
    private const string CopyPassword = "copy pässwort";
    private const string RestUser = "coffre-copy";
    private const string RestPassword = "rest pass: not in argv";

    [Fact]
    public void List_names_the_copies_holding_each_backup_and_an_unreachable_copy_does_not_fail_it()
    {
        using var dir = new TestDirectory("copies-where");
        using var rest = new RcloneRestServer(user: RestUser, password: RestPassword);
        var app = new SqliteApp(dir);
        var restPasswordFile = Path.Combine(app.Root, "rest.pw");
        File.WriteAllText(restPasswordFile, RestPassword + "\n");
        File.SetUnixFileMode(restPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteConfig(app, $$"""
            "copies": [
              { "name": "usb", "location": "usb", "passwordEnv": "COPY_PASSWORD" },
              { "name": "rest", "location": "{{rest.Location()}}", "passwordEnv": "COPY_PASSWORD",
                "credentials": { "RESTIC_REST_USERNAME": { "env": "COPY_REST_USER" }, "RESTIC_REST_PASSWORD": { "file": "rest.pw" } } },
              { "name": "nas", "location": "unplugged/nas", "passwordEnv": "COPY_PASSWORD" } ]
            """);
        var coffre = app.Coffre;
        coffre.Environment["COPY_PASSWORD"] = CopyPassword;
        coffre.Environment["COPY_REST_USER"] = RestUser;
        coffre.Ok("init");
        var usbPath = Path.Combine(app.Root, "usb");
        InitCopy(app, usbPath);
        var restInit = new CoffreRunner(rest.Location(), CopyPassword) { WorkingDirectory = app.Root };
        restInit.Environment["RESTIC_REST_USERNAME"] = RestUser;
        restInit.Environment["RESTIC_REST_PASSWORD"] = RestPassword;
        restInit.Environment["COFFRE_FROM_PASSWORD"] = TestPasswords.Default;
        restInit.Ok("init", "--copy-chunker-params", "--from-repo", app.Repo);

        var first = coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
        Directory.Move(usbPath, usbPath + ".away"); // the USB disk is unplugged for the second backup
        var second = coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
        Directory.Move(usbPath + ".away", usbPath);

        var list = coffre.Json("list").EnumerateArray().ToList();
        Assert.Equal([second, first], list.Select(b => b.GetProperty("id").GetString()));
        var usbCopies = new ResticRunner(usbPath, CopyPassword).Snapshots();
        // restic 0.14 reads REST credentials only from the URL.
        var restic = new ResticRunner(rest.Location($"{RestUser}:{Uri.EscapeDataString(RestPassword)}"), CopyPassword);
        var restCopies = restic.Snapshots();
        string CopyOf(List<JsonElement> snapshots, string original) =>
            snapshots.Single(s => s.GetProperty("original").GetString() == original).GetProperty("id").GetString()!;

        var newest = Copies(list[0]);
        Assert.Equal(JsonValueKind.Null, newest["usb"].GetProperty("snapshot_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, newest["usb"].GetProperty("error").ValueKind);
        Assert.Equal(CopyOf(restCopies, second), newest["rest"].GetProperty("snapshot_id").GetString());
        Assert.Equal(Path.Combine(app.Root, "unplugged/nas"), newest["nas"].GetProperty("location").GetString());
        Assert.Contains("no repository at", newest["nas"].GetProperty("error").GetString(), StringComparison.Ordinal);
        var oldest = Copies(list[1]);
        Assert.Equal(CopyOf(usbCopies, first), oldest["usb"].GetProperty("snapshot_id").GetString());
        Assert.Equal(CopyOf(restCopies, first), oldest["rest"].GetProperty("snapshot_id").GetString());

        var text = coffre.Ok("list");
        Assert.Contains($"copies: rest ({CopyOf(restCopies, second)[..8]}); not in: usb; unknown: nas (unreachable)", text.StdOut, StringComparison.Ordinal);
        Assert.Contains($"copies: usb ({CopyOf(usbCopies, first)[..8]}), rest ({CopyOf(restCopies, first)[..8]}); unknown: nas (unreachable)", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("coffre: warning: copy nas cannot be read", text.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(RestPassword, text.StdOut + text.StdErr, StringComparison.Ordinal);

        // A copy listed on its own, by name: its snapshots are the application's backups there.
        var onUsb = coffre.Json("list", "--dest", "usb").EnumerateArray().Select(b => b.GetProperty("id").GetString()).ToList();
        Assert.Equal([CopyOf(usbCopies, first)], onUsb);
        restic.AssertCheckReadData();
    }

    [Fact]
    public void Restore_from_a_copy_puts_the_application_back_when_the_primary_is_gone()
    {
        using var dir = new TestDirectory("restore-from-copy");
        var app = new SqliteApp(dir);
        WriteConfig(app, """ "copies": [ { "name": "usb", "location": "usb", "passwordEnv": "COPY_PASSWORD" } ] """);
        var coffre = app.Coffre;
        coffre.Environment["COPY_PASSWORD"] = CopyPassword;
        coffre.Ok("init");
        InitCopy(app, Path.Combine(app.Root, "usb"));
        var day = app.BackUpThenDamage();
        Directory.Delete(app.Repo, recursive: true); // the disk with the repository died with the application's

        var unknown = coffre.Run("restore", "latest", "--from", "nas", "--force");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--from nas: no such copy in", unknown.StdErr, StringComparison.Ordinal);
        Assert.Contains("use one of usb", unknown.StdErr, StringComparison.Ordinal);
        var primaryGone = coffre.Run("restore", "latest", "--force");
        Assert.Equal(10, primaryGone.ExitCode);

        // A drill proves the copy restores (its databases into scratch ones), reading the copy by its name.
        var drill = coffre.Run("drill", "--dest", "usb");
        Assert.True(drill.ExitCode == 0, drill.Describe());

        var restored = coffre.Json("restore", "latest", "--from", "usb", "--force");
        Assert.True(restored.GetProperty("verified").GetBoolean());
        Assert.Equal(day.Database, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(day.Uploads, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));
        var copy = new ResticRunner(Path.Combine(app.Root, "usb"), CopyPassword);
        var snapshots = copy.Snapshots();
        Assert.Contains(snapshots, s => s.GetProperty("original").GetString() == day.Backup);
        // The safety snapshot of what was overwritten went to the copy the restore read from.
        var safety = restored.GetProperty("safety_snapshot_id").GetString()!;
        Assert.Contains(snapshots, s => s.GetProperty("id").GetString() == safety);
        copy.AssertCheckReadData();
        Assert.False(Directory.Exists(app.Repo));
    }

    /// <summary>SqliteApp's coffre.json with more keys (e.g. copies) before its closing brace.</summary>
    private static void WriteConfig(SqliteApp app, string more)
    {
        var file = Path.Combine(app.Root, "coffre.json");
        var json = File.ReadAllText(file).TrimEnd();
        File.WriteAllText(file, json[..^1] + ",\n" + more + " }");
    }

    private static void InitCopy(SqliteApp app, string location)
    {
        var copy = new CoffreRunner(location, CopyPassword) { WorkingDirectory = app.Root };
        copy.Environment["COFFRE_FROM_PASSWORD"] = TestPasswords.Default;
        copy.Ok("init", "--copy-chunker-params", "--from-repo", app.Repo);
    }

    private static Dictionary<string, JsonElement> Copies(JsonElement backup) =>
        backup.GetProperty("copies").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
}
