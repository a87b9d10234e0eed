using System.Net;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Journal;
using Coffre.Server;

namespace Coffre.IntegrationTests.Server;

/// <summary>The real <c>coffre serve</c> process: its jobs run in-process through the CLI, a port in use is one line and exit 1, SIGTERM stops it cleanly.</summary>
public class ServeCliTests
{
    [Fact]
    public async Task Coffre_serve_runs_a_backup_from_the_dashboard_refuses_a_port_in_use_and_stops_on_sigterm()
    {
        using var dir = new TestDirectory("serve-cli");
        var port = ServeProcess.FreePort();
        await using (var setup = await ServedApp.StartAsync(dir)) { } // the app, its coffre.json (admin, token) and repository
        var app = Path.Combine(dir.Path, "app");
        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Environment["COFFRE_METRICS_TOKEN"] = ServedApp.MetricsToken;
        using var server = coffre.Start("serve", "--listen", $"127.0.0.1:{port}");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await ServeProcess.WaitForHealthAsync(client, server);

        var second = coffre.Run("serve", "--listen", $"127.0.0.1:{port}");
        Assert.Equal(1, second.ExitCode);
        var line = Assert.Single(second.StdErrLines);
        Assert.StartsWith($"coffre: cannot listen on 127.0.0.1:{port}:", line, StringComparison.Ordinal);
        Assert.Contains("in use", line, StringComparison.OrdinalIgnoreCase);

        // Log in and press "Back up now": the job runs inside the service, through the same code as `coffre backup`.
        var form = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
        using (var login = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        { ["__RequestVerificationToken"] = ServedApp.Token(form), ["user"] = ServedApp.User, ["password"] = ServedApp.Password })))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var token = ServedApp.Token(await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        using (var start = await client.PostAsync(new Uri("/actions/backup", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var journal = new RunJournal(Path.Combine(app, "logs"), TimeProvider.System);
        RunRecord? backup = null;
        for (var i = 0; i < 600 && backup is null; i++)
        {
            await Task.Delay(200);
            backup = journal.ReadHistory().FirstOrDefault(r => r.Operation == "backup");
        }
        Assert.NotNull(backup);
        Assert.Equal(RunResults.Ok, backup.Result);
        Assert.Equal("shop", backup.Application);
        Assert.Single(coffre.Ok("snapshots", "--json").StdOut.Split("\"id\"")[1..]);

        ProcessRunner.Run("/bin/kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Dictionary<string, string?>());
        var stopped = server.Wait(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.Describe());
        Assert.Contains(journal.ReadHistory(), r => r.Operation == "serve" && r.Result == RunResults.Ok);
    }

    [Fact]
    public void Hash_password_prints_a_hash_of_the_line_it_reads_and_refuses_a_short_one()
    {
        var env = new Dictionary<string, string?>();
        var dll = CoffreRunner.CoffreDll;
        var made = ProcessRunner.Run("/bin/sh", ["-c", $"printf 'tout est calme\\n' | '{CoffreRunner.DotnetHost}' '{dll}' serve hash-password"], env);
        Assert.True(made.ExitCode == 0, made.Describe());
        var hash = PasswordHash.Parse(made.StdOut.Trim());
        Assert.True(hash.Verify("tout est calme"));
        Assert.False(hash.Verify("tout est calme\n"));

        var shortOne = ProcessRunner.Run("/bin/sh", ["-c", $"printf 'abc\\n' | '{CoffreRunner.DotnetHost}' '{dll}' serve hash-password"], env);
        Assert.Equal(1, shortOne.ExitCode);
        Assert.Equal("", shortOne.StdOut);
        Assert.Contains("too short", shortOne.StdErr, StringComparison.Ordinal);
    }
}
