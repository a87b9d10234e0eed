using System.Net;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Journal;

namespace Coffre.IntegrationTests.Server;

/// <summary>The engine's job runner inside the service: the check button, and /progress, which the dashboard polls to follow a job live.</summary>
public class ServerProgressTests
{
    [Fact]
    public async Task Check_and_backup_buttons_run_in_the_service_and_progress_reports_the_running_job_then_how_it_ended()
    {
        using var dir = new TestDirectory("serve-progress");
        await using var served = await ServedApp.StartAsync(dir, engineJobs: true);
        using (var anonymous = await served.Client.GetAsync(new Uri("/progress", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var idle = await ProgressAsync(served);
        Assert.Equal(JsonValueKind.Null, idle.GetProperty("running").ValueKind);
        Assert.Equal("nothing", idle.GetProperty("text").GetString());
        Assert.Equal("", idle.GetProperty("lastEnded").GetString());

        var check = await PressAndFollowAsync(served, "check");
        Assert.Equal("check", check.Last.GetProperty("operation").GetString());
        Assert.Equal(0, check.Last.GetProperty("exitCode").GetInt32());
        Assert.Contains(served.History(), r => r.Operation == "check" && r.Result == RunResults.Ok);

        var backup = await PressAndFollowAsync(served, "backup");
        Assert.Equal(0, backup.Last.GetProperty("exitCode").GetInt32());
        var journaled = served.History().Single(r => r.Operation == "backup");
        Assert.Equal(journaled.SnapshotId, backup.Last.GetProperty("snapshot").GetString());
        // What the Running line said whenever a poll caught the job running (a small backup may end between two polls;
        // the phases themselves are tested on the runner, Jobs/Service/JobProgressTests).
        // A poll may also catch the instant between the press and the start, when the backup is still queued.
        Assert.All(backup.Seen, text => Assert.True(text.StartsWith("backup since ", StringComparison.Ordinal) || text.EndsWith("; queued: backup since " + text[^8..], StringComparison.Ordinal), text));
        var page = await served.DashboardAsync();
        Assert.Contains($"data-last=\"{backup.LastEnded.Replace("+", "&#x2B;", StringComparison.Ordinal)}\"", page, StringComparison.Ordinal);
        Assert.Contains("Check the repository now", page, StringComparison.Ordinal);
    }

    internal static async Task<JsonElement> ProgressAsync(ServedApp served)
    {
        using var response = await served.Client.GetAsync(new Uri("/progress", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Presses an action's button, then polls /progress like the page does until the job has ended.</summary>
    private static async Task<(JsonElement Last, string LastEnded, List<string> Seen)> PressAndFollowAsync(ServedApp served, string action)
    {
        var before = (await ProgressAsync(served)).GetProperty("lastEnded").GetString();
        var token = ServedApp.Token(await served.DashboardAsync());
        using (var started = await served.Client.PostAsync(new Uri("/actions/" + action, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var p = await ProgressAsync(served);
            if (p.GetProperty("running").ValueKind == JsonValueKind.String) seen.Add(p.GetProperty("text").GetString()!);
            var ended = p.GetProperty("lastEnded").GetString()!;
            if (ended != before) return (p.GetProperty("last"), ended, seen);
            await Task.Delay(20);
        }
        throw new TimeoutException($"the {action} did not end; seen: {string.Join(" | ", seen)}");
    }
}
