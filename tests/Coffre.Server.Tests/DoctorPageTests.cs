using System.Net;
using System.Text;
using Coffre.Journal;
using Coffre.Storage.Local;

namespace Coffre.Server.Tests;

/// <summary>The dashboard's doctor page (<c>/doctor</c>, linked from the verdict line): the verdict and every finding with the command that fixes it; logged-in only.</summary>
public sealed class DoctorPageTests : IDisposable
{
    private const string P = EmbeddedDashboard.Prefix;
    private readonly string variable = "COFFRE_TEST_DOCTOR_PW_" + Guid.NewGuid().ToString("N");

    public DoctorPageTests() => Environment.SetEnvironmentVariable(variable, "the repository password");

    public void Dispose() => Environment.SetEnvironmentVariable(variable, null);

    private static void Record(EmbeddedDashboard d, string operation, string result, string? error = null, string? application = "sample-shop") =>
        new RunJournal(d.LogFolder, TimeProvider.System).Append(new RunRecord
        {
            Operation = operation, Start = DateTimeOffset.Now.AddMinutes(-5), End = DateTimeOffset.Now.AddMinutes(-4), Application = application,
            Repository = Path.Combine(d.Folder, "repo"), Result = result, Error = error, ExitCode = result == RunResults.Ok ? 0 : 1,
        });

    [Fact]
    public async Task The_doctor_page_lists_each_finding_with_its_fix_and_the_verdict_links_to_it()
    {
        using var d = new EmbeddedDashboard(new() { ["Coffre:repository:passwordEnv"] = variable });
        await Repository.Repository.InitAsync(new LocalBackend(Path.Combine(d.Folder, "repo")), Encoding.UTF8.GetBytes("the repository password"), TimeProvider.System, CancellationToken.None);
        Record(d, "backup", RunResults.Ok);
        Record(d, "check", RunResults.Failed, "1 error(s): pack 5f0e3a9b does not exist", application: null);
        Record(d, "prune", RunResults.Failed, "not enough free space");
        using var client = d.Browser();

        using (var anonymous = await client.GetAsync(new Uri(P + "/doctor", UriKind.Relative)))
            Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode); // the login page first

        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var dashboard = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Contains($"<a href=\"{P}/doctor\">Failing: 1 failing, 1 needing attention</a>", dashboard, StringComparison.Ordinal);

        var page = await client.GetStringAsync(new Uri(P + "/doctor", UriKind.Relative));
        Assert.Contains("<h1>Doctor — sample-shop</h1>", page, StringComparison.Ordinal);
        Assert.Contains("data-verdict=\"failing\"", page, StringComparison.Ordinal);
        var rows = System.Text.RegularExpressions.Regex.Matches(page, "<tr data-code=\"([a-z-]+)\">(.*?)</tr>").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(["check-failed", "prune-failed"], rows.Select(r => r.Item1));
        Assert.Contains("pack 5f0e3a9b does not exist", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("<code>coffre check --read-data", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("class=\"bad\">failing", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("class=\"attention\">attention", rows[1].Item2, StringComparison.Ordinal);
        Assert.Contains("exit code 2", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{P}/\">Back to the dashboard</a>", page, StringComparison.Ordinal);

        // Fixed: the page says nothing is to be done.
        Record(d, "check", RunResults.Ok, application: null);
        Record(d, "prune", RunResults.Ok);
        var fine = await client.GetStringAsync(new Uri(P + "/doctor", UriKind.Relative));
        Assert.Contains("data-verdict=\"all good\"", fine, StringComparison.Ordinal);
        Assert.Contains("Nothing to do", fine, StringComparison.Ordinal);
        Assert.DoesNotContain("<tr data-code", fine, StringComparison.Ordinal);
    }
}
