using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Coffre.Journal;
using Coffre.Storage.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.Server.Tests;

/// <summary>
/// /health, the verdict line and the Problems from the engine's findings (HealthInspector through HealthMonitor): a
/// real repository in a temporary folder, journal records as the commands write them.
/// </summary>
public sealed class HealthEndpointTests : IDisposable
{
    private const string P = EmbeddedDashboard.Prefix;
    private readonly string variable = "COFFRE_TEST_HEALTH_PW_" + Guid.NewGuid().ToString("N");

    public HealthEndpointTests() => Environment.SetEnvironmentVariable(variable, "the repository password");

    public void Dispose() => Environment.SetEnvironmentVariable(variable, null);

    private EmbeddedDashboard Dashboard() => new(new() { ["Coffre:repository:passwordEnv"] = variable });

    private static string RepositoryOf(EmbeddedDashboard d) => Path.Combine(d.Folder, "repo");

    private static async Task InitAsync(EmbeddedDashboard d, string password = "the repository password") =>
        await Repository.Repository.InitAsync(new LocalBackend(RepositoryOf(d)), Encoding.UTF8.GetBytes(password), TimeProvider.System, CancellationToken.None);

    private static void Record(EmbeddedDashboard d, string operation, string result, string? error = null, string? application = "sample-shop") =>
        new RunJournal(d.LogFolder, TimeProvider.System).Append(new RunRecord
        {
            Operation = operation, Start = DateTimeOffset.Now.AddMinutes(-5), End = DateTimeOffset.Now.AddMinutes(-4), Application = application,
            Repository = RepositoryOf(d), Result = result, Error = error, ExitCode = result == RunResults.Ok ? 0 : 1,
        });

    private static async Task<(HttpStatusCode Code, JsonElement Json)> HealthAsync(HttpClient client, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, P + "/health");
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var r = await client.SendAsync(request);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        return (r.StatusCode, doc.RootElement.Clone());
    }

    private static async Task<string> DashboardAsync(HttpClient client)
    {
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
    }

    private static IEnumerable<string?> Codes(JsonElement health) => health.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());

    [Fact]
    public async Task A_healthy_repository_answers_200_ok_and_the_verdict_line_says_all_good()
    {
        using var d = Dashboard();
        await InitAsync(d);
        Record(d, "backup", RunResults.Ok);
        using var client = d.Browser();
        var (code, json) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        var page = await DashboardAsync(client);
        Assert.Contains($"<p id=\"verdict\" class=\"verdict ok\" data-verdict=\"all good\"><a href=\"{P}/doctor\">All good</a></p>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<h2>Problems</h2>", page, StringComparison.Ordinal);
        var (_, details) = await HealthAsync(client);
        Assert.Empty(details.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task A_failed_check_makes_health_503_and_the_top_of_the_dashboard_red_anonymous_callers_get_the_status_only()
    {
        using var d = Dashboard();
        await InitAsync(d);
        Record(d, "backup", RunResults.Ok);
        // As 'coffre check' journals it: no application, the repository; the error names the missing pack.
        Record(d, "check", RunResults.Failed, "1 error(s): pack 5f0e3a9b/secret-detail does not exist", application: null);
        using var client = d.Browser();
        var (code, anonymous) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal(["status"], anonymous.EnumerateObject().Select(p => p.Name));
        Assert.Equal("failing", anonymous.GetProperty("status").GetString());

        var page = await DashboardAsync(client);
        Assert.Contains($"<p id=\"verdict\" class=\"verdict bad\" data-verdict=\"failing\"><a href=\"{P}/doctor\">Failing: 1 failing</a></p>", page, StringComparison.Ordinal);
        var problems = System.Text.RegularExpressions.Regex.Match(page, "<section class=\"problems\">.*?</section>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("data-code=\"check-failed\"", problems, StringComparison.Ordinal);
        Assert.Contains("pack 5f0e3a9b/secret-detail does not exist", problems, StringComparison.Ordinal);
        Assert.Contains("fix: coffre check --read-data", problems, StringComparison.Ordinal);
        Assert.True(page.IndexOf("id=\"verdict\"", StringComparison.Ordinal) < page.IndexOf("<h2>Status</h2>", StringComparison.Ordinal), "the verdict is at the top");

        var (loggedInCode, details) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, loggedInCode);
        Assert.Equal("failing", details.GetProperty("verdict").GetString());
        Assert.Equal(["check-failed"], Codes(details));

        // A check that passes clears it.
        Record(d, "check", RunResults.Ok, application: null);
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(client)).Code);
    }

    [Fact]
    public async Task A_wrong_repository_password_is_failing_from_the_start_not_at_the_next_backup()
    {
        using var d = Dashboard();
        await InitAsync(d, password: "the password it was made with");
        Record(d, "backup", RunResults.Ok);
        using var client = d.Browser();
        var (code, _) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        var page = await DashboardAsync(client);
        Assert.Contains("data-code=\"wrong-password\"", page, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict bad\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_repository_is_failing_and_says_where_it_was_looked_for()
    {
        using var d = Dashboard();
        Record(d, "backup", RunResults.Ok);
        using var client = d.Browser();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAsync(client)).Code);
        await DashboardAsync(client);
        var (_, details) = await HealthAsync(client);
        var finding = Assert.Single(details.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "repository-missing");
        Assert.Contains(RepositoryOf(d), finding.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("coffre init", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Needing_attention_answers_200_with_status_attention()
    {
        using var d = Dashboard();
        await InitAsync(d);
        Record(d, "backup", RunResults.Ok);
        Record(d, "prune", RunResults.Failed, "not enough free space");
        using var client = d.Browser();
        var (code, json) = await HealthAsync(client);
        Assert.Equal((HttpStatusCode.OK, "attention"), (code, json.GetProperty("status").GetString()));
        var page = await DashboardAsync(client);
        Assert.Contains($"class=\"verdict attention\" data-verdict=\"needs attention\"><a href=\"{P}/doctor\">Needs attention: 1 needing attention</a></p>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_embedding_Coffre_gets_its_state_in_its_own_health_endpoint()
    {
        var folder = Directory.CreateTempSubdirectory("coffre-health-app-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coffre:application"] = "shop",
                ["Coffre:repository:path"] = Path.Combine(folder, "not-there"),
                ["Coffre:repository:passwordEnv"] = variable,
            });
            builder.Services.AddCoffre(builder.Configuration.GetSection("Coffre"), o => o.BaseDirectory = folder);
            await using var app = builder.Build();
            app.MapHealthChecks("/healthz");
            await app.StartAsync();
            using var client = app.GetTestClient();
            using var r = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal("Unhealthy", await r.Content.ReadAsStringAsync());
            await app.StopAsync();
        }
        finally { Directory.Delete(folder, true); }
    }
}
