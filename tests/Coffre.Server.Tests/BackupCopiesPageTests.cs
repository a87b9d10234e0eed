using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Coffre.Storage.Local;

namespace Coffre.Server.Tests;

/// <summary>
/// A backup started from the dashboard is copied to coffre.json's copies; the backup's page says which copies hold it
/// and the dashboard's Problems name the copy that failed.
/// </summary>
public class BackupCopiesPageTests
{
    private const string P = EmbeddedDashboard.Prefix;
    private const string PasswordVariable = "COFFRE_EMBEDDED_COPIES_PASSWORD";
    private const string Password = "embedded copies password";

    [Fact]
    public async Task The_backup_page_names_the_copies_that_hold_it_and_the_one_that_failed()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, Password);
        var app = Directory.CreateTempSubdirectory("coffre-embedded-copies-").FullName;
        try
        {
            var database = Path.Combine(app, "shop.sqlite3");
            using (var p = Process.Start(new ProcessStartInfo("/usr/bin/sqlite3", [database, "create table t(x); insert into t values (1);"]))!) p.WaitForExit();
            Directory.CreateDirectory(Path.Combine(app, "media"));
            await File.WriteAllTextAsync(Path.Combine(app, "media", "photo.jpg"), "jpeg bytes");
            var usb = Path.Combine(app, "usb");
            using var factory = new EmbeddedDashboard(new()
            {
                ["Coffre:repository:passwordEnv"] = PasswordVariable,
                ["Coffre:databases:0:path"] = database,
                ["Coffre:media:0:path"] = Path.Combine(app, "media"),
                ["Coffre:copies:0:name"] = "usb",
                ["Coffre:copies:0:location"] = usb,
                ["Coffre:copies:0:passwordEnv"] = PasswordVariable,
                ["Coffre:copies:1:name"] = "nas",
                ["Coffre:copies:1:location"] = Path.Combine(app, "unplugged"),
                ["Coffre:copies:1:passwordEnv"] = PasswordVariable,
            });
            foreach (var folder in new[] { Path.Combine(factory.Folder, "repo"), usb })
                await Coffre.Repository.Repository.InitAsync(new LocalBackend(folder), Encoding.UTF8.GetBytes(Password), TimeProvider.System, CancellationToken.None);
            using var client = factory.Browser();
            using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/", UriKind.Relative)));
            using (var start = await client.PostAsync(new Uri(P + "/actions/backup", UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
                Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);

            JsonElement last = default;
            for (var i = 0; i < 1200; i++)
            {
                using var progress = JsonDocument.Parse(await client.GetStringAsync(new Uri(P + "/progress", UriKind.Relative)));
                if (progress.RootElement.GetProperty("last").ValueKind == JsonValueKind.Object) { last = progress.RootElement.GetProperty("last").Clone(); break; }
                await Task.Delay(100);
            }
            Assert.Equal(JsonValueKind.Object, last.ValueKind);
            Assert.True(last.GetProperty("exitCode").GetInt32() == 0, last.ToString()); // a failed copy does not fail the backup
            var snapshot = last.GetProperty("snapshot").GetString()!;

            var page = await client.GetStringAsync(new Uri($"{P}/backups/{snapshot}", UriKind.Relative));
            Assert.Contains("<h2>Copies</h2>", page, StringComparison.Ordinal);
            Assert.Contains("<li class=\"ok\">usb: copied after the backup</li>", page, StringComparison.Ordinal);
            Assert.Contains("<li class=\"bad\">nas: missing: the copy failed (no repository at", page, StringComparison.Ordinal);
            var dashboard = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
            Assert.Contains("copy nas failed", dashboard, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PasswordVariable, null);
            Directory.Delete(app, recursive: true);
        }
    }
}
