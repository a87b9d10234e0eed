using System.Net;
using System.Text;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>
/// An anonymous client hammering the login page: concurrent guesses get one try, huge or countless attempts cannot
/// push a backup's record out of the run history nor grow the sign-in journal or the throttle without bound.
/// </summary>
public class LoginFloodTests
{
    private const string P = EmbeddedDashboard.Prefix;

    private static FormUrlEncodedContent Form(string token, string user, string password) =>
        new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["user"] = user, ["password"] = password });

    [Fact]
    public async Task A_hundred_concurrent_wrong_logins_from_one_client_get_one_try_between_them()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/login", UriKind.Relative)));

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var r = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), Form(token, EmbeddedDashboard.User, "guess " + i));
            return r.StatusCode;
        }));

        Assert.Equal(1, answers.Count(s => s == HttpStatusCode.Unauthorized)); // one password was checked
        Assert.Equal(99, answers.Count(s => s == HttpStatusCode.TooManyRequests));
        // The one failure and the first refusal are journaled, the other 98 refusals are not one record each.
        var logins = new SignInJournal(factory.LogFolder).Recent(1000);
        Assert.Equal(2, logins.Count);
    }

    [Fact]
    public async Task Huge_user_names_are_refused_or_cut_and_never_touch_the_run_history_or_backup_log()
    {
        using var factory = new EmbeddedDashboard();
        var journal = new RunJournal(factory.LogFolder, TimeProvider.System);
        var backup = new RunRecord { Operation = "backup", Start = DateTimeOffset.Now, End = DateTimeOffset.Now, Application = "sample-shop", Result = RunResults.Ok, SnapshotId = new string('a', 64) };
        journal.Append(backup);
        var history = File.ReadAllBytes(journal.HistoryPath);
        var log = File.ReadAllBytes(journal.LogPath);
        using var client = factory.Browser();
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/login", UriKind.Relative)));

        var huge = new string('x', 4 << 20);
        for (var i = 0; i < 30; i++)
        {
            using var r = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), Form(token, huge, "guess"));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        }
        // Under the form's limits (8 KiB a field): journaled with the name cut, each after the throttle's wait.
        var long_ = new string('y', 8000);
        for (var i = 0; i < 30; i++)
        {
            using var r = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), Form(token, long_, "guess"));
            Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
            factory.Clock.Advance(TimeSpan.FromMinutes(16));
        }

        Assert.Equal(history, File.ReadAllBytes(journal.HistoryPath)); // the run history is the backup's alone
        Assert.Equal(log, File.ReadAllBytes(journal.LogPath));
        Assert.False(File.Exists(journal.HistoryPath + ".1"));
        Assert.Equal([backup.SnapshotId], journal.ReadHistory().Select(r => r.SnapshotId));
        var logins = new SignInJournal(factory.LogFolder).Recent(1000);
        Assert.Equal(30, logins.Count);
        Assert.All(logins, r => Assert.Equal($"user {new string('y', LoginJournal.MaxUserLength)}… from 127.0.0.1", r.Checked));
        Assert.True(new FileInfo(Path.Combine(factory.LogFolder, LogPaths.SignInFile)).Length < 30 * 1024);
    }

    [Fact]
    public async Task A_blocked_client_that_keeps_trying_is_one_record_per_burst()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        using (var wrong = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, "guess"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/login", UriKind.Relative)));
        for (var i = 0; i < 50; i++)
        {
            using var r = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), Form(token, EmbeddedDashboard.User, "again"));
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.NotNull(r.Headers.RetryAfter);
        }
        factory.Clock.Advance(LoginThrottle.Delay(1));
        using (var right = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);

        var logins = new SignInJournal(factory.LogFolder).Recent(1000);
        Assert.Equal(["wrong user or password", "refused: too many failures", "refused 49 more attempt(s) while blocked", null],
            logins.Select(r => r.Error is { } e && e.StartsWith("refused: too many failures", StringComparison.Ordinal) ? "refused: too many failures" : r.Error));
    }

    [Fact]
    public void The_throttle_remembers_a_bounded_number_of_clients_and_forgets_the_least_restrained_first()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var throttle = new LoginThrottle(clock);
        for (var f = 1; f <= LoginThrottle.MaxFailures; f++)
        {
            Assert.True(throttle.Begin("guesser").Allowed);
            throttle.Failed("guesser");
            if (f < LoginThrottle.MaxFailures) clock.Advance(LoginThrottle.Delay(f));
        }
        // An attacker with 50,000 addresses, one wrong guess each.
        for (var i = 0; i < 50_000; i++)
        {
            var client = $"198.18.{i / 256}.{i % 256}";
            Assert.True(throttle.Begin(client).Allowed);
            throttle.Failed(client);
            Assert.True(throttle.Count <= LoginThrottle.MaxClients);
        }
        Assert.Equal(LoginThrottle.MaxClients, throttle.Count);
        Assert.False(throttle.Begin("guesser").Allowed); // the locked-out client was not the one forgotten
        Assert.True(throttle.Begin("the admin's new address").Allowed); // and nobody new is refused
    }

    [Fact]
    public async Task A_request_body_larger_than_the_dashboards_forms_is_refused_before_it_is_read()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/login", UriKind.Relative)));
        using (var big = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), Form(token, EmbeddedDashboard.User, new string('p', 1 << 20))))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var many = string.Join('&', Enumerable.Range(0, 1000).Select(i => $"f{i}=1")) + "&__RequestVerificationToken=" + Uri.EscapeDataString(token);
        using (var fields = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), new StringContent(many, Encoding.ASCII, "application/x-www-form-urlencoded")))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, fields.StatusCode);
        Assert.Empty(new SignInJournal(factory.LogFolder).Recent(10)); // nothing was tried
    }
}
