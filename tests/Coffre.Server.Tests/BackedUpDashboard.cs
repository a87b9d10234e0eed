using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Coffre.Journal;
using Coffre.Storage.Local;

namespace Coffre.Server.Tests;

/// <summary>
/// samples/webapp's dashboard (<see cref="EmbeddedDashboard"/>) over a real repository holding one real backup of a
/// SQLite database and a media folder, made by "Back up now". Shared by the tests of a class.
/// </summary>
public sealed class BackedUpDashboard : IAsyncLifetime
{
    public const string PasswordVariable = "COFFRE_BACKED_UP_TEST_PASSWORD";
    public const string P = EmbeddedDashboard.Prefix;

    private readonly string app = Directory.CreateTempSubdirectory("coffre-backed-up-app-").FullName;

    internal EmbeddedDashboard Factory { get; private set; } = null!;

    /// <summary>The backup's full snapshot ID.</summary>
    public string Snapshot { get; private set; } = "";

    public string MediaFolder => Path.Combine(app, "media");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, "backed-up repository password");
        var database = Path.Combine(app, "shop.sqlite3");
        Sqlite(database, "create table products(id integer primary key, name text); insert into products(name) values ('chaise'), ('table');");
        Directory.CreateDirectory(Path.Combine(MediaFolder, "uploads"));
        await File.WriteAllTextAsync(Path.Combine(MediaFolder, "uploads", "photo.jpg"), "jpeg bytes");
        foreach (var n in new[] { 1, 2, 10, 11 })
            await File.WriteAllTextAsync(Path.Combine(MediaFolder, "uploads", $"clip-{n}.txt"), new string('x', n * 100));
        Factory = new EmbeddedDashboard(new()
        {
            ["Coffre:repository:passwordEnv"] = PasswordVariable,
            ["Coffre:databases:0:path"] = database,
            ["Coffre:media:0:path"] = MediaFolder,
            ["Coffre:server:allowRestore"] = "true",
        });
        await Coffre.Repository.Repository.InitAsync(new LocalBackend(Path.Combine(Factory.Folder, "repo")),
            Encoding.UTF8.GetBytes("backed-up repository password"), TimeProvider.System, CancellationToken.None);
        using var client = await LoggedInAsync();
        await PostAsync(client, "/actions/backup");
        var backup = await WaitForRunAsync("backup", DateTimeOffset.MinValue);
        Assert.True(backup.Result == RunResults.Ok, backup.Error);
        Snapshot = backup.SnapshotId!;
    }

    /// <summary>A browser-like client, logged in.</summary>
    public async Task<HttpClient> LoggedInAsync()
    {
        var client = Factory.Browser();
        using var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>Presses a button of the dashboard: a POST with the page's antiforgery token; returns where it redirects.</summary>
    public static async Task<string> PostAsync(HttpClient client, string action, Dictionary<string, string>? fields = null)
    {
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/", UriKind.Relative)));
        var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = token };
        using var r = await client.PostAsync(new Uri(P + action, UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{action}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return r.Headers.Location!.OriginalString;
    }

    public IReadOnlyList<RunRecord> History() => new RunJournal(Factory.LogFolder, TimeProvider.System).ReadHistory();

    /// <summary>Waits (up to two minutes) for the journal record of a run of <paramref name="operation"/> that started at or after <paramref name="since"/>.</summary>
    public async Task<RunRecord> WaitForRunAsync(string operation, DateTimeOffset since)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (History().FirstOrDefault(r => r.Operation == operation && r.Start >= since) is { } run) return run;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {operation} run journaled since {since:O}: {JsonSerializer.Serialize(History())}");
    }

    public Task DisposeAsync()
    {
        Factory?.Dispose();
        Directory.Delete(app, recursive: true);
        return Task.CompletedTask;
    }

    private static void Sqlite(string file, string sql)
    {
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/sqlite3", [file, sql]) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
    }
}
