using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Coffre.Storage.Local;

namespace Coffre.Server.Tests;

/// <summary>A job started from the dashboard of an application runs in that application's process, with the engine's runner (no coffre command).</summary>
public class EmbeddedJobsTests
{
    private const string P = EmbeddedDashboard.Prefix;
    private const string PasswordVariable = "COFFRE_EMBEDDED_TEST_PASSWORD";

    [Fact]
    public async Task Back_up_now_runs_in_the_application_and_the_backup_is_listed()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, "embedded repository password");
        var app = Directory.CreateTempSubdirectory("coffre-embedded-app-").FullName;
        try
        {
            var database = Path.Combine(app, "shop.sqlite3");
            Sqlite(database, "create table products(id integer primary key, name text); insert into products(name) values ('chaise'), ('table');");
            Directory.CreateDirectory(Path.Combine(app, "media", "uploads"));
            await File.WriteAllTextAsync(Path.Combine(app, "media", "uploads", "photo.jpg"), "jpeg bytes");
            using var factory = new EmbeddedDashboard(new()
            {
                ["Coffre:repository:passwordEnv"] = PasswordVariable,
                ["Coffre:databases:0:path"] = database,
                ["Coffre:media:0:path"] = Path.Combine(app, "media"),
            });
            await Coffre.Repository.Repository.InitAsync(new LocalBackend(Path.Combine(factory.Folder, "repo")),
                Encoding.UTF8.GetBytes("embedded repository password"), TimeProvider.System, CancellationToken.None);
            using var client = factory.Browser();
            using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/", UriKind.Relative)));
            using (var start = await client.PostAsync(new Uri(P + "/actions/backup", UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            {
                Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
                Assert.StartsWith(P + "/?started=backup&at=", start.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }

            JsonElement last = default;
            for (var i = 0; i < 600; i++)
            {
                using var progress = JsonDocument.Parse(await client.GetStringAsync(new Uri(P + "/progress", UriKind.Relative)));
                if (progress.RootElement.GetProperty("last").ValueKind == JsonValueKind.Object) { last = progress.RootElement.GetProperty("last").Clone(); break; }
                await Task.Delay(100);
            }
            Assert.Equal(JsonValueKind.Object, last.ValueKind);
            Assert.True(last.GetProperty("exitCode").GetInt32() == 0, last.ToString());
            var snapshot = last.GetProperty("snapshot").GetString()!;
            var page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
            Assert.Contains($"href=\"{P}/backups/{snapshot}\"", page, StringComparison.Ordinal);
            Assert.Contains("database shop (sqlite,", page, StringComparison.Ordinal);
            var folder = await client.GetStringAsync(new Uri($"{P}/backups/{snapshot}?path=/media/media/uploads", UriKind.Relative));
            Assert.Contains("photo.jpg", folder, StringComparison.Ordinal);
            Assert.Contains("\"operation\":\"backup\"", await File.ReadAllTextAsync(Path.Combine(factory.Folder, "logs", "history.jsonl")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    private static void Sqlite(string file, string sql)
    {
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/sqlite3", [file, sql]) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
    }
}
