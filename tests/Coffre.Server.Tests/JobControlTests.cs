using System.Net;
using System.Text.Json;
using Coffre.Jobs.Service;
using Coffre.Journal;
using Coffre.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.Server.Tests;

/// <summary>
/// Job control from the dashboard: a job that waits says "queued" until it starts, a second "Back up now" gives the
/// backup already queued, and Cancel (a POST with the antiforgery token) takes a queued job out of the line —
/// journaled "cancelled" — or stops a running one.
/// </summary>
public class JobControlTests
{
    private const string P = EmbeddedDashboard.Prefix;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_queued_backup_says_queued_is_not_queued_twice_and_is_cancelled_queued_or_running()
    {
        var drillEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var drillCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<JobKind>();
        // The host's own jobs: the drill runs until it is cancelled, anything else would end at once.
        JobRunner jobs = async (kind, ct) =>
        {
            lock (ran) ran.Add(kind);
            if (kind != JobKind.Drill) return 0;
            drillEntered.SetResult();
            await using (ct.Register(() => drillCancelled.SetResult())) await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        using var factory = new EmbeddedDashboard(services: s => s.AddSingleton(sp => new JobQueue(jobs, sp.GetRequiredService<ServerSetup>().Config, null, JobGate.Private())));
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/", UriKind.Relative)));
        var queue = factory.Services.GetRequiredService<JobQueue>();

        Assert.StartsWith(P + "/?started=drill&at=", await PostAsync(client, "/actions/drill", token), StringComparison.Ordinal);
        await drillEntered.Task.WaitAsync(Patience);
        Assert.StartsWith(P + "/?queued=backup&at=", await PostAsync(client, "/actions/backup", token), StringComparison.Ordinal);
        Assert.Equal(P + "/?already=backup", await PostAsync(client, "/actions/backup", token)); // the second click
        var drill = Assert.Single(queue.Jobs, j => j.Name == "drill");
        var backup = Assert.Single(queue.Jobs, j => j.Name == "backup");
        Assert.Equal(2, queue.Jobs.Count);

        var page = await client.GetStringAsync(new Uri(P + "/?queued=backup", UriKind.Relative));
        Assert.Contains("The backup is queued: it starts when the job before it ends.", page, StringComparison.Ordinal);
        Assert.Contains("; queued: backup since ", page, StringComparison.Ordinal);
        Assert.DoesNotContain("The backup was started", page, StringComparison.Ordinal);
        Assert.Contains($"action=\"{P}/jobs/{backup.Id}/cancel\"", page, StringComparison.Ordinal);
        Assert.Contains("Cancel the queued backup", page, StringComparison.Ordinal);
        Assert.Contains("Cancel the running drill", page, StringComparison.Ordinal);
        using (var progress = JsonDocument.Parse(await client.GetStringAsync(new Uri(P + "/progress", UriKind.Relative))))
        {
            var listed = progress.RootElement.GetProperty("jobs").EnumerateArray().Select(j => (j.GetProperty("name").GetString(), j.GetProperty("state").GetString())).ToList();
            Assert.Equal([("drill", "running"), ("backup", "queued")], listed);
            Assert.Equal(1, progress.RootElement.GetProperty("waiting").GetInt32());
        }

        // Without the antiforgery token (a cross-site form): refused, nothing cancelled.
        using (var forged = await client.PostAsync(new Uri($"{P}/jobs/{backup.Id}/cancel", UriKind.Relative), new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(JobState.Queued, backup.State);

        Assert.Equal(P + "/?cancelled=backup", await PostAsync(client, $"/jobs/{backup.Id}/cancel", token));
        Assert.Equal(ExitCodes.Interrupted, await backup.Completion.WaitAsync(Patience));
        var record = Assert.Single(new RunHistoryReader(Path.Combine(factory.Folder, "logs")).Read(), r => r.Operation == "backup");
        Assert.Equal((RunResults.Cancelled, "cancelled by admin from the dashboard: it had not started: nothing was done"), (record.Result, record.Error));
        Assert.Equal([drill], queue.Jobs);

        // The running drill: its token is cancelled.
        Assert.Equal(P + "/?cancelled=drill", await PostAsync(client, $"/jobs/{drill.Id}/cancel", token));
        await drillCancelled.Task.WaitAsync(Patience);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drill.Completion.WaitAsync(Patience));
        Assert.Empty(queue.Jobs);
        Assert.Equal([JobKind.Drill], ran); // the cancelled backup never ran

        using (var gone = await client.PostAsync(new Uri($"{P}/jobs/{drill.Id}/cancel", UriKind.Relative), Form(token)))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static FormUrlEncodedContent Form(string token) => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

    /// <summary>Posts the form and gives where it redirects to.</summary>
    private static async Task<string> PostAsync(HttpClient client, string path, string token)
    {
        using var response = await client.PostAsync(new Uri(P + path, UriKind.Relative), Form(token));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }
}
