using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Server;
using Coffre.Journal;
using Microsoft.Playwright;

namespace Coffre.EndToEndTests;

/// <summary>
/// The real <c>coffre serve</c> process serving the SQLite sample application (admin user and password of
/// <see cref="ServedApp"/>, one backup already made by <c>coffre backup</c>) on a free port of 127.0.0.1, and a
/// headless chromium to look at it. Shared by the tests of a class; each test opens its own browser context (its own cookies).
/// </summary>
public sealed class ServedDashboard : IAsyncLifetime
{
    private readonly TestDirectory dir = new("e2e");
    private RunningProcess? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public string Folder => dir.Path;
    public string AppRoot => Path.Combine(dir.Path, "app");
    public string BaseUrl { get; private set; } = "";

    /// <summary>The snapshot of the backup made before the service started.</summary>
    public string FirstSnapshot { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (new BrowserFactAttribute().Skip is not null) return; // the tests are skipped: no service, no browser
        await using (await ServedApp.StartAsync(dir)) { } // the app, its coffre.json (admin, metrics token) and repository
        var coffre = new CoffreRunner(null) { WorkingDirectory = AppRoot };
        coffre.Environment["COFFRE_METRICS_TOKEN"] = ServedApp.MetricsToken;
        coffre.Ok("backup");
        FirstSnapshot = History().Single(r => r.Operation == "backup").SnapshotId!;

        var port = ServeProcess.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        server = coffre.Start("serve", "--listen", $"127.0.0.1:{port}");
        using (var client = new HttpClient { BaseAddress = new Uri(BaseUrl) })
            await ServeProcess.WaitForHealthAsync(client, server);

        Assertions.SetDefaultExpectTimeout(15_000); // two shared cores: a login (PBKDF2) may take a few seconds
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh browser context (no cookies) on the service; desktop size unless the options say otherwise.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseUrl;
        var context = await browser!.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    public IReadOnlyList<RunRecord> History() => new RunJournal(Path.Combine(AppRoot, "logs"), TimeProvider.System).ReadHistory();

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (server is not null)
        {
            // SIGTERM, as systemd stops it: the service ends its journal run and exits 0.
            if (!server.HasExited)
                ProcessRunner.Run("/bin/kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Dictionary<string, string?>());
            server.Wait(TimeSpan.FromMinutes(1));
            server.Dispose();
        }
        dir.Dispose();
    }
}
