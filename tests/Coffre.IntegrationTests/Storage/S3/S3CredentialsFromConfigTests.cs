using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// An application whose repository is on the Ceph RADOS Gateway and whose S3 keys come from coffre.json's
/// <c>repository.credentials</c>: the access key from a command, the secret from a private file, none of them in the
/// environment Coffre starts with. Backup, list and restore work; the keys appear in no output and no log; a
/// literal key is refused before anything runs.
/// </summary>
public sealed class S3CredentialsFromConfigTests
{
    [S3Fact]
    public void Backup_list_and_restore_on_s3_with_keys_from_a_command_and_a_file()
    {
        using var dir = new TestDirectory("s3-creds");
        var app = new SqliteApp(dir);
        var location = S3TestServer.NewLocation("creds").ToString();
        var secretFile = Path.Combine(app.Root, "s3.secret");
        File.WriteAllText(secretFile, S3TestServer.SecretKey + "\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var keyFile = Path.Combine(dir.Path, "access-key-store");
        File.WriteAllText(keyFile, S3TestServer.AccessKey + "\n");
        var config = Path.Combine(app.Root, "coffre.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"path\": \"repo\",", $$"""
            "location": "{{location}}",
            "credentials": {
              "AWS_ACCESS_KEY_ID": { "command": [ "/usr/bin/head", "-n", "1", "{{keyFile}}" ] },
              "AWS_SECRET_ACCESS_KEY": { "file": "s3.secret" },
              "AWS_DEFAULT_REGION": { "env": "BOUTIQUE_REGION" } },
            """, StringComparison.Ordinal));
        var coffre = app.Coffre;
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION" }) coffre.Environment[name] = null;
        coffre.Environment["BOUTIQUE_REGION"] = S3TestServer.Region;

        var init = coffre.Ok("init");
        var day = app.BackUpThenDamage();
        var list = coffre.Json("list").EnumerateArray().ToList();
        Assert.Equal(day.Backup, Assert.Single(list).GetProperty("id").GetString());
        var restored = coffre.Json("restore", "latest", "--force");
        Assert.True(restored.GetProperty("verified").GetBoolean());
        Assert.Equal(day.Database, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(day.Uploads, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));

        // restic, given the same keys the usual way, sees Coffre's backups there.
        var restic = new ResticRunner(location);
        foreach (var (k, v) in S3TestServer.Credentials) restic.Environment[k] = v;
        Assert.Equal(2, restic.Snapshots().Count); // the backup and the restore's safety snapshot
        restic.AssertCheckReadData();

        // The keys are in no output and no file Coffre wrote beside the application (journal, logs).
        Assert.DoesNotContain(S3TestServer.SecretKey, init.StdOut + init.StdErr, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(app.Root, "*", SearchOption.AllDirectories).Where(f => f != secretFile && !f.StartsWith(app.Media, StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains(S3TestServer.SecretKey, StringComparison.Ordinal) || text.Contains(S3TestServer.AccessKey, StringComparison.Ordinal), $"{file} holds an S3 key");
        }

        // Without its source the key is missing, and the message names the variable and the file, not a value.
        File.Move(secretFile, secretFile + ".gone");
        var missing = coffre.Run("list");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("credentials.AWS_SECRET_ACCESS_KEY", missing.StdErr, StringComparison.Ordinal);
        Assert.Contains("s3.secret does not exist", missing.StdErr, StringComparison.Ordinal);

        // A literal key: a configuration error that says what to do, nothing run.
        File.WriteAllText(config, File.ReadAllText(config).Replace("{ \"file\": \"s3.secret\" }", $"\"{S3TestServer.SecretKey}\"", StringComparison.Ordinal));
        var literal = coffre.Run("backup");
        Assert.Equal(1, literal.ExitCode);
        Assert.Contains("do not put credentials in coffre.json", literal.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(S3TestServer.SecretKey, literal.StdOut + literal.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, restic.Snapshots().Count);
    }
}
