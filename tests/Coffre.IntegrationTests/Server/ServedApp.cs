using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coffre.Configuration;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.Journal;
using Coffre.Scheduling;
using Coffre.Server;
using Microsoft.AspNetCore.Builder;

namespace Coffre.IntegrationTests.Server;

/// <summary>
/// The SQLite sample application with an initialised repository, served by the real host on 127.0.0.1:0. Jobs run
/// as the real <c>coffre</c> command (so they are journaled like CLI runs); an HttpClient with cookies plays the browser.
/// </summary>
internal sealed partial class ServedApp : IAsyncDisposable
{
    public const string User = "admin";
    public const string Password = "correct horse battery";
    public const string MetricsToken = "scrape-token-0123456789";

    private static readonly Lazy<string> Hash = new(() => PasswordHash.Create(Password));

    private ServedApp(SqliteApp app, WebApplication host, string address)
    {
        App = app;
        Host = host;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(address) };
    }

    public SqliteApp App { get; }
    public WebApplication Host { get; }
    public HttpClient Client { get; }

    /// <param name="server">The server section as JSON; default: the admin with the test password and the metrics token variable.</param>
    /// <param name="alerts">The alerts section as JSON, or none.</param>
    /// <param name="engineJobs">Run the jobs with the engine's runner (as coffre serve does, with live progress) instead of the coffre command.</param>
    /// <param name="configure">Changes coffre.json last (e.g. <c>server.allowRestore</c>, hooks).</param>
    public static async Task<ServedApp> StartAsync(TestDirectory dir, TimeProvider? clock = null, string? schedule = null, string? server = null, string? alerts = null, bool engineJobs = false,
        Action<JsonObject>? configure = null)
    {
        var app = new SqliteApp(dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(app.Root, "coffre.json")))!.AsObject();
        config["server"] = JsonNode.Parse(server ?? $$"""{ "admin": { "user": "{{User}}", "passwordHash": "{{Hash.Value}}" }, "metricsTokenEnv": "COFFRE_METRICS_TOKEN" }""");
        if (schedule is not null) config["schedule"] = JsonNode.Parse(schedule);
        if (alerts is not null) config["alerts"] = JsonNode.Parse(alerts);
        configure?.Invoke(config);
        File.WriteAllText(Path.Combine(app.Root, "coffre.json"), config.ToJsonString());
        app.Coffre.Ok("init");
        var setup = new ServerSetup
        {
            Config = ConfigLoader.Load(Path.Combine(app.Root, "coffre.json")),
            Listen = "127.0.0.1:0",
            Clock = clock ?? TimeProvider.System,
            TimeZone = clock?.LocalTimeZone ?? TimeZoneInfo.Local,
            Environment = new Dictionary<string, string?> { ["COFFRE_PASSWORD"] = TestPasswords.Default, ["COFFRE_METRICS_TOKEN"] = MetricsToken },
            RunJob = engineJobs ? null : (kind, ct) => Task.Run(() => app.Coffre.Run([.. JobKinds.Arguments(kind)]).ExitCode, ct),
        };
        var host = CoffreServer.Build(setup);
        await host.StartAsync();
        return new ServedApp(app, host, CoffreServer.Address(host));
    }

    public string LogFolder => Path.Combine(App.Root, "logs");

    public IReadOnlyList<RunRecord> History() => new RunJournal(LogFolder, TimeProvider.System).ReadHistory();

    /// <summary>The dashboard's sign-ins (logins.jsonl, apart from the run history).</summary>
    public IReadOnlyList<RunRecord> SignIns() => new SignInJournal(LogFolder).Recent(10_000);

    /// <summary>The antiforgery token of a page's form.</summary>
    public static string Token(string html) => TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery field in:\n" + html);

    public async Task<HttpResponseMessage> LoginAsync(string user, string password)
    {
        var form = await Client.GetStringAsync(new Uri("/login", UriKind.Relative));
        return await Client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["user"] = user, ["password"] = password,
        }));
    }

    public async Task<string> DashboardAsync()
    {
        using var response = await Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Waits (up to 2 minutes) until the journal holds a record matching <paramref name="match"/>.</summary>
    public async Task<RunRecord> WaitForRunAsync(Func<RunRecord, bool> match)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (History().FirstOrDefault(match) is { } run) return run;
            await Task.Delay(200);
        }
        throw new TimeoutException("no such run in the journal; history:\n" + string.Join('\n', History().Select(r => r.ToJson())));
    }

    /// <summary>
    /// Waits (up to 30 s) until the schedule has armed its timer on the hand-moved clock; with
    /// <paramref name="after"/>, a timer due later than that (one armed after the clock was moved there).
    /// </summary>
    public static async Task WaitForTimerAsync(Coffre.Tests.Scheduling.ManualClock clock, DateTimeOffset? after = null)
    {
        bool Armed() => clock.NextTimer is { } due && (after is null || due > after);
        for (var i = 0; i < 600 && !Armed(); i++) await Task.Delay(50);
        Assert.True(Armed(), $"the schedule armed no timer{(after is null ? "" : $" due after {after:O}")} (next: {clock.NextTimer:O})");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
