using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.Journal;

namespace Coffre.IntegrationTests.Server;

/// <summary>
/// A restore from the dashboard (server.allowRestore): the plan page, the confirmation by the application's name,
/// the restore as a job of the service (journaled like coffre restore, with its hooks and safety snapshot), a
/// restore failing halfway shown with its rollback, and nothing at all when allowRestore is false.
/// </summary>
public partial class ServerRestoreTests
{
    [Fact]
    public async Task The_restore_page_shows_the_plan_asks_for_the_name_and_the_restore_runs_as_a_job_journaled_like_coffre_restore()
    {
        using var dir = new TestDirectory("serve-restore");
        var go = dir.Sub("go");
        var hookLog = dir.Sub("hooks.log");
        await using var served = await ServedApp.StartAsync(dir, engineJobs: true, configure: c =>
        {
            c["server"]!["allowRestore"] = true;
            // The preRestore hook holds the restore until the test lets it go, so the running job can be seen.
            c["hooks"] = new JsonObject
            {
                ["preRestore"] = $"for i in $(seq 1200); do [ -e '{go}' ] && break; sleep 0.05; done; echo pre >> '{hookLog}'",
                ["postRestore"] = $"echo post >> '{hookLog}'",
            };
        });
        var app = served.App;
        var (backup, original, originalUploads, damaged, damagedMedia) = app.BackUpThenDamage();

        using (var anonymous = await PostAsync(served, backup, null, "shop"))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode); // to the login, as everywhere
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        Assert.Contains($"href=\"/backups/{backup}/restore\">Restore…</a>", await GetTextAsync(served, $"/backups/{backup}"), StringComparison.Ordinal);
        var page = await GetTextAsync(served, $"/backups/{backup}/restore");
        Assert.Contains($"Backup {backup[..8]} of shop, ", page, StringComparison.Ordinal);
        Assert.Matches(@"database main \([0-9.]+ KiB\) -> .*app\.sqlite3: REPLACES what it holds now", page);
        Assert.Contains($"media media -> {app.Media}: 4 files, ", page, StringComparison.Ordinal);
        Assert.Contains("1 created, 1 OVERWRITTEN, 1 REMOVED (not in the backup), 2 unchanged", page, StringComparison.Ordinal);
        Assert.Contains("a safety snapshot (tag pre-restore) keeps what is there now", page, StringComparison.Ordinal);
        Assert.Contains("The preRestore hook runs first", page, StringComparison.Ordinal);
        var mediaOnly = await GetTextAsync(served, $"/backups/{backup}/restore?only=media");
        Assert.DoesNotContain("database main", mediaOnly, StringComparison.Ordinal);
        Assert.Contains("1 OVERWRITTEN", mediaOnly, StringComparison.Ordinal);
        var databaseOnly = await GetTextAsync(served, $"/backups/{backup}/restore?only=database");
        Assert.Contains("REPLACES what it holds now", databaseOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("media media ->", databaseOnly, StringComparison.Ordinal);
        using (var nonsense = await served.Client.GetAsync(new Uri($"/backups/{backup}/restore?only=everything", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, nonsense.StatusCode);

        // Refused: no token (a cross-site form), a backup that is not there, a wrong or empty name. Nothing starts: a restore would hang in its hook.
        var token = ServedApp.Token(await GetHtmlAsync(served, $"/backups/{backup}/restore"));
        using (var forged = await PostAsync(served, backup, null, "shop"))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var unknown = await PostAsync(served, "00000000", token, "shop"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var wrong in new[] { "Shop", "", "shop2" })
        {
            using var refused = await PostAsync(served, backup, token, wrong);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Not restored: type the application's name, shop, to confirm.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        Assert.Equal(JsonValueKind.Null, (await ServerProgressTests.ProgressAsync(served)).GetProperty("running").ValueKind);
        Assert.DoesNotContain(served.History(), r => r.Operation == "restore");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));

        string bannerAddress;
        using (var started = await PostAsync(served, backup, token, "shop"))
        {
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
            Assert.StartsWith("/?started=restore&at=", started.Headers.Location!.OriginalString, StringComparison.Ordinal);
            bannerAddress = started.Headers.Location!.OriginalString;
        }
        // The job runs, held in its preRestore hook: the dashboard, /progress and /health say so.
        var running = await WaitForProgressAsync(served, p => p.GetProperty("phase").GetString() == "running the preRestore hook");
        Assert.Equal("restore", running.GetProperty("running").GetString());
        Assert.StartsWith("restore since ", running.GetProperty("text").GetString(), StringComparison.Ordinal);
        using (var health = JsonDocument.Parse(await served.Client.GetStringAsync(new Uri("/health", UriKind.Relative))))
            Assert.Equal("restore", health.RootElement.GetProperty("running").GetString());
        var dashboard = await GetTextAsync(served, bannerAddress);
        Assert.Contains("The restore is under way", dashboard, StringComparison.Ordinal);
        Assert.Contains("data-running=\"yes\"", await GetHtmlAsync(served, "/"), StringComparison.Ordinal);
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        File.WriteAllText(go, "");

        var run = await served.WaitForRunAsync(r => r.Operation == "restore");
        Assert.Equal((RunResults.Ok, 0, (string?)null), (run.Result, run.ExitCode, run.Error));
        Assert.Equal(backup, run.SnapshotId);
        Assert.Equal("shop", run.Application);
        Assert.Equal(original, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(originalUploads, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));
        Assert.Equal("new cache entry", File.ReadAllText(Path.Combine(app.Media, "cache", "thumb2.bin"))); // excluded: left alone
        Assert.Equal(["pre", "post"], File.ReadAllLines(hookLog));

        // The safety snapshot holds the damaged state, and the journal names it.
        var list = app.Coffre.Json("list");
        Assert.Equal(2, list.GetArrayLength());
        var safety = list.EnumerateArray().Single(s => s.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == "pre-restore")).GetProperty("id").GetString()!;
        Assert.Equal($"database main: 2 tables, 1700 rows match; media media: 4 files verified; safety snapshot {safety[..8]}", run.Checked);
        Assert.Contains("(before a restore)", await GetTextAsync(served, "/"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await WaitForProgressAsync(served, p => p.GetProperty("running").ValueKind == JsonValueKind.Null)).GetProperty("running").ValueKind);

        // coffre restore journals the same record (but for its own safety snapshot).
        app.Coffre.Ok("restore", backup[..8], "--force");
        var cli = served.History().Where(r => r.Operation == "restore").ToList();
        Assert.Equal(2, cli.Count);
        Assert.Equal((run.SnapshotId, run.Application, run.Repository, run.Result), (cli[1].SnapshotId, cli[1].Application, cli[1].Repository, cli[1].Result));
        Assert.Equal(SafetyId().Replace(run.Checked!, ""), SafetyId().Replace(cli[1].Checked!, ""));

        // Rolled back from the safety snapshot's own restore page: the damaged state comes back.
        token = ServedApp.Token(await GetHtmlAsync(served, $"/backups/{safety[..8]}/restore"));
        using (var rollback = await PostAsync(served, safety[..8], token, "shop"))
            Assert.Equal(HttpStatusCode.Redirect, rollback.StatusCode);
        await served.WaitForRunAsync(r => r.Operation == "restore" && r.SnapshotId == safety);
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        new ResticRunner(app.Repo).AssertCheckReadData();
    }

    [Fact]
    public async Task A_restore_failing_halfway_is_shown_on_the_dashboard_with_its_safety_snapshot_which_the_dashboard_restores()
    {
        using var dir = new TestDirectory("serve-restore-fail");
        await using var served = await ServedApp.StartAsync(dir, engineJobs: true, configure: c =>
        {
            c["server"]!["allowRestore"] = true;
            c["media"]![0]!["exclude"] = new JsonArray("cache/**", "*.tmp");
        });
        var app = served.App;
        var (backup, original, _, damaged, _) = app.BackUpThenDamage();
        // Where the backup has the file notes.txt there is now a folder holding an excluded file, which a restore
        // keeps: the file cannot be written. The database is restored first, so the failure comes halfway.
        var notes = Path.Combine(app.Media, "uploads", "notes.txt");
        Directory.CreateDirectory(notes);
        File.WriteAllText(Path.Combine(notes, "draft.tmp"), "excluded, kept");
        var damagedMedia = SqliteApp.Listing(app.Media);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        using (var started = await PostAsync(served, backup, ServedApp.Token(await GetHtmlAsync(served, $"/backups/{backup}/restore")), "shop"))
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var failed = await served.WaitForRunAsync(r => r.Operation == "restore");
        Assert.Equal((RunResults.Failed, 1), (failed.Result, failed.ExitCode));
        Assert.True(failed.Error!.Contains("the restore failed halfway", StringComparison.Ordinal), failed.Error);
        var safety = Regex.Match(failed.Error, "roll back with 'coffre restore ([0-9a-f]{8}) --force'").Groups[1].Value;
        Assert.NotEmpty(safety);
        Assert.Equal(original, SqliteApp.Fingerprint(app.Database)); // the database was restored before the media failed

        // The dashboard says it at the top, rollback included, and in the journal's tail.
        var dashboard = await GetTextAsync(served, "/");
        var problems = Regex.Match(dashboard, "<section class=\"problems\">.*?</section>", RegexOptions.Singleline).Value;
        Assert.Contains("the last restore failed: the restore failed halfway", problems, StringComparison.Ordinal);
        Assert.Contains($"What was there before is in safety snapshot {safety}: roll back with 'coffre restore {safety} --force'", problems, StringComparison.Ordinal);
        Assert.Contains("<td>restore</td><td class=\"bad\">failed</td>", dashboard, StringComparison.Ordinal);
        // ...and as a button to the safety snapshot's restore page.
        Assert.Contains($"<a class=\"button\" href=\"/backups/{safety}/restore\">Roll back: restore safety snapshot {safety}</a>", dashboard, StringComparison.Ordinal);

        // Rolled back from the dashboard: the safety snapshot's restore puts the state before the restore back, and the problem goes away.
        var rollback = await GetHtmlAsync(served, $"/backups/{safety}/restore");
        Assert.Contains("database main", WebUtility.HtmlDecode(rollback), StringComparison.Ordinal);
        using (var again = await PostAsync(served, safety, ServedApp.Token(rollback), "shop"))
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var ok = await served.WaitForRunAsync(r => r.Operation == "restore" && r.Result == RunResults.Ok);
        Assert.StartsWith(safety, ok.SnapshotId, StringComparison.Ordinal);
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.DoesNotContain("the last restore failed", await GetTextAsync(served, "/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_allowRestore_there_is_no_restore_link_and_the_routes_answer_404_and_start_nothing()
    {
        using var dir = new TestDirectory("serve-norestore");
        await using var served = await ServedApp.StartAsync(dir);
        var app = served.App;
        var (backup, _, _, damaged, damagedMedia) = app.BackUpThenDamage();

        using (var anonymous = await served.Client.GetAsync(new Uri($"/backups/{backup}/restore", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var browse = await GetHtmlAsync(served, $"/backups/{backup}");
        Assert.Contains("Download as .tar.gz", browse, StringComparison.Ordinal);
        Assert.DoesNotContain("/restore", browse, StringComparison.Ordinal);
        Assert.DoesNotContain("Restore", browse, StringComparison.Ordinal);

        using (var form = await served.Client.GetAsync(new Uri($"/backups/{backup}/restore", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        var token = ServedApp.Token(await served.DashboardAsync());
        foreach (var t in new[] { token, null })
        {
            using var post = await PostAsync(served, backup, t, "shop");
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        await Task.Delay(500); // a job started by mistake would have begun by now
        Assert.Equal(JsonValueKind.Null, (await ServerProgressTests.ProgressAsync(served)).GetProperty("running").ValueKind);
        Assert.DoesNotContain(served.History(), r => r.Operation == "restore");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.Single(app.Coffre.Json("list").EnumerateArray());
    }

    private static async Task<HttpResponseMessage> PostAsync(ServedApp served, string backup, string? token, string confirm)
    {
        var fields = new Dictionary<string, string> { ["confirm"] = confirm, ["only"] = "" };
        if (token is not null) fields["__RequestVerificationToken"] = token;
        return await served.Client.PostAsync(new Uri($"/backups/{backup}/restore", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static async Task<string> GetHtmlAsync(ServedApp served, string path)
    {
        using var response = await served.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}\n{body}");
        return body;
    }

    /// <summary>A page as the reader sees its text (entities decoded), tags kept.</summary>
    private static async Task<string> GetTextAsync(ServedApp served, string path) => WebUtility.HtmlDecode(await GetHtmlAsync(served, path));

    /// <summary>Polls /progress (up to a minute) until <paramref name="until"/> holds.</summary>
    private static async Task<JsonElement> WaitForProgressAsync(ServedApp served, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            var p = await ServerProgressTests.ProgressAsync(served);
            if (until(p)) return p;
            seen.Add(p.GetProperty("text").GetString()!);
            await Task.Delay(50);
        }
        throw new TimeoutException("progress never got there; seen: " + string.Join(" | ", seen.Distinct()));
    }

    [GeneratedRegex("safety snapshot [0-9a-f]{8}")]
    private static partial Regex SafetyId();
}
