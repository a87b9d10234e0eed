using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Coffre.Server;
using Microsoft.Playwright;
using static Coffre.EndToEndTests.DashboardView;
using static Microsoft.Playwright.Assertions;

namespace Coffre.EndToEndTests;

/// <summary>
/// The dashboard of the real <c>coffre serve</c> in a real browser (Debian's chromium through Playwright):
/// log in, see the backups, start one, watch it finish and appear; the login page's refusals; a phone's screen.
/// </summary>
public sealed partial class DashboardInBrowserTests(ServedDashboard served) : IClassFixture<ServedDashboard>
{
    private static readonly TimeSpan BackupTimeout = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task Logged_in_the_dashboard_lists_the_backups_and_back_up_now_adds_a_complete_one_journaled_ok()
    {
        var page = await served.NewPageAsync();
        await LogInAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Coffre — shop" })).ToBeVisibleAsync();

        // The backup made by `coffre backup` before the service started, with its contents and status.
        var first = BackupRow(page, served.FirstSnapshot);
        await Expect(first).ToHaveCountAsync(1);
        await Expect(first).ToContainTextAsync("database main (sqlite,");
        await Expect(first).ToContainTextAsync("media (4 files,"); // the cache folder is excluded
        await Expect(first).Not.ToContainTextAsync("media media");
        Assert.Equal("complete", (await CellsAsync(first))[1]); // the status, right after the backup
        var before = await ShortIdsAsync(page);
        Assert.Contains(served.FirstSnapshot[..8], before);

        await page.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        await Expect(page.Locator("#banner")).ToContainTextAsync("The backup "); // under way, or already its result
        var id = await WaitForNewBackupAsync(page, before, BackupTimeout);

        var row = BackupRow(page, id);
        await Expect(row).ToHaveCountAsync(1);
        var cells = await CellsAsync(row);
        Assert.Equal("complete", cells[1]);
        Assert.Matches(@"^\d{8}_\d{6}\n", cells[0]); // its stamp above its ID
        var run = RunRows(page, "backup").Filter(new() { HasText = id });
        await Expect(run).ToHaveCountAsync(1);
        Assert.Equal("ok", (await CellsAsync(run))[2]);
        // What the page shows is what the journal holds: the run of the button, ok, with this snapshot.
        var journaled = served.History().Last(r => r.Operation == "backup");
        Assert.Equal(id, journaled.SnapshotId![..8]);
        Assert.Equal("ok", journaled.Result);
        Assert.Equal(before.Count + 1, (await ShortIdsAsync(page)).Count);
    }

    [BrowserFact]
    public async Task A_backup_can_be_browsed_down_to_a_file_and_downloaded_as_an_archive()
    {
        var page = await served.NewPageAsync();
        await LogInAsync(page);
        await BackupRow(page, served.FirstSnapshot).GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Backup " })).ToContainTextAsync(served.FirstSnapshot[..8]);
        foreach (var folder in new[] { "media/", "media/", "uploads/", "2024/" })
            await page.GetByRole(AriaRole.Link, new() { Name = folder, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "photo.jpg", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "reçu n°1.pdf", Exact = true })).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download as .tar.gz" }).ClickAsync());
        Assert.EndsWith(".tar.gz", download.SuggestedFilename, StringComparison.Ordinal);
        var file = Path.Combine(served.Folder, download.SuggestedFilename);
        await download.SaveAsAsync(file);
        Assert.Null(await download.FailureAsync());
        await using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
        await using var tar = new System.Formats.Tar.TarReader(gzip);
        var names = new List<string>();
        while (await tar.GetNextEntryAsync() is { } entry) names.Add(entry.Name);
        Assert.Equal("metadata.json", names[0]);
        Assert.Contains(names, n => n.EndsWith("uploads/2024/photo.jpg", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task A_wrong_password_shows_the_error_on_the_login_page_and_the_journal_records_it()
    {
        var page = await served.NewPageAsync();
        await SubmitLoginAsync(page, IntegrationTests.Server.ServedApp.User, "not the password");
        await Expect(page.GetByText("Wrong user or password.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
        await Expect(BackupsHeading(page)).ToHaveCountAsync(0);

        // The same form works with the right password once the throttle's pause after one failure is over.
        await Task.Delay(LoginThrottle.Delay(1) + TimeSpan.FromMilliseconds(200));
        await LogInAsync(page);
        // The sign-ins have their own box, out of the runs.
        var failed = Rows(SignInsTable(page)).Filter(new() { HasText = "wrong user or password" });
        Assert.True(await failed.CountAsync() >= 1, "the failed login is not in the sign-ins");
        Assert.Matches(@"^\d+ failed$", (await CellsAsync(failed.First))[1]);
        await Expect(RunRows(page, "login")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task A_visitor_who_is_not_logged_in_lands_on_the_login_page()
    {
        var page = await served.NewPageAsync();
        var response = await page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        await Expect(BackupsHeading(page)).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Back up now" })).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task On_a_phone_the_login_page_and_the_dashboard_fit_the_screen_width()
    {
        var page = await served.NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 3,
        });
        await page.GotoAsync("/login");
        await AssertNoHorizontalOverflowAsync(page);
        await LogInAsync(page);
        await Expect(BackupRow(page, served.FirstSnapshot)).ToHaveCountAsync(1);
        await AssertNoHorizontalOverflowAsync(page);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Back up now" })).ToBeInViewportAsync();
    }

    [BrowserFact]
    public async Task A_screenshot_of_the_dashboard_is_a_png_of_the_page()
    {
        var page = await served.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1024, Height = 768 } });
        await LogInAsync(page);
        var file = Path.Combine(served.Folder, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });

        var png = await File.ReadAllBytesAsync(file);
        Assert.True(png.Length > 1000, $"{file}: {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(1024, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))); // the viewport's width
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)) >= 768, "a full-page screenshot is at least the viewport's height");
    }

    [BrowserFact]
    public async Task After_a_logout_in_one_tab_the_other_tab_stops_polling()
    {
        var first = await served.NewPageAsync();
        await LogInAsync(first);
        var second = await first.Context.NewPageAsync();
        await second.GotoAsync("/");
        await Expect(BackupsHeading(second)).ToBeVisibleAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(first).ToHaveURLAsync(LoginUrl());
        await Expect(second.Locator("#running")).ToHaveTextAsync("Logged out: reload the page to log in again.", new() { Timeout = 10_000 });
        var polls = 0;
        second.Request += (_, r) => { if (r.Url.Contains("/progress", StringComparison.Ordinal)) polls++; };
        await second.WaitForTimeoutAsync(7_000); // more than two polling periods
        Assert.Equal(0, polls);
    }

    [BrowserFact]
    public async Task The_automatic_reload_when_a_job_ends_keeps_the_scroll_position_and_shows_the_result()
    {
        var page = await served.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 800, Height = 400 } });
        await LogInAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run a drill now" }).ClickAsync();
        await Expect(page.Locator("#banner")).ToContainTextAsync("under way");
        // Halfway down, not at the bottom: the reloaded page may be a few pixels shorter or longer.
        await page.EvaluateAsync("() => { window.scrollTo(0, Math.round((document.documentElement.scrollHeight - window.innerHeight) / 2)); window.coffreMark = 'before the reload'; }");
        var scrolled = await page.EvaluateAsync<int>("() => Math.round(window.scrollY)");
        Assert.True(scrolled > 100, $"the page does not scroll ({scrolled} px)");
        await Expect(page.Locator("#banner")).ToContainTextAsync("The drill of", new() { Timeout = 120_000 });
        Assert.Null(await page.EvaluateAsync<string?>("() => window.coffreMark ?? null")); // a new document: the page reloaded itself
        var kept = await page.EvaluateAsync<int>("() => Math.round(window.scrollY)");
        Assert.True(Math.Abs(kept - scrolled) <= 2, $"scrolled to {scrolled} px before the reload, at {kept} px after it");
    }

    /// <summary>The document is no wider than the screen; else names the elements that stick out (innermost first).</summary>
    private static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        if (widths[0] <= widths[1]) return;
        var culprits = await page.EvaluateAsync<string[]>("""
            () => [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                    && ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
                .slice(0, 5).map(e => `<${e.tagName.toLowerCase()}> ${Math.round(e.getBoundingClientRect().right)} px: ${e.textContent.trim().slice(0, 60)}`)
            """);
        Assert.Fail($"{page.Url}: the document is {widths[0]} px wide on a {widths[1]} px screen (it scrolls sideways); sticking out: {string.Join("; ", culprits)}");
    }

    [GeneratedRegex(@"/login(\?|$)")]
    private static partial Regex LoginUrl();
}
