using Coffre.Alerts;
using Coffre.Tests.Journal;

namespace Coffre.Tests.Alerts;

/// <summary>One message per incident, a resolved message when it clears, and a channel that failed is tried again.</summary>
public sealed class AlerterTests : IDisposable
{
    private readonly JournalFolder folder = new();
    private readonly FakeClock clock = new(FakeClock.At(2026, 1, 29, 2, 30));

    public void Dispose() => folder.Dispose();

    private sealed class RecordingChannel(string name) : IAlertChannel
    {
        public string Name => name;
        public List<AlertMessage> Sent { get; } = [];
        public bool Down { get; set; }

        public Task SendAsync(AlertMessage message, CancellationToken ct)
        {
            if (Down) throw new AlertDeliveryException($"{name}: connection refused", transient: true);
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }

    private Alerter Make(params IAlertChannel[] channels) =>
        new(new IncidentStore(folder.Path), channels, new AlertSender([]), clock, "web1");

    [Fact]
    public async Task Repeated_failures_send_one_message_and_the_success_sends_resolved()
    {
        var hook = new RecordingChannel("hook");
        var alerter = Make(hook);

        var first = await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "disk full");
        clock.Now = clock.Now.AddHours(1);
        var second = await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "still full");
        clock.Now = clock.Now.AddHours(1);
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "still full, third");

        Assert.Equal((AlertAction.Opened, AlertAction.Repeated), (first.Action, second.Action));
        var sent = Assert.Single(hook.Sent);
        Assert.Equal(("disk full", 1, false), (sent.Incident.Message, sent.Incident.Count, sent.Resolved));
        var open = Assert.Single(alerter.Store.Open());
        Assert.Equal((3, "still full, third", FakeClock.At(2026, 1, 29, 2, 30), FakeClock.At(2026, 1, 29, 4, 30)), (open.Count, open.Message, open.FirstSeen, open.LastSeen));

        clock.Now = clock.Now.AddHours(1);
        var resolved = await alerter.ResolveAsync(IncidentKinds.BackupFailed, "boutique");

        Assert.Equal(AlertAction.Resolved, resolved.Action);
        Assert.Equal(2, hook.Sent.Count);
        var r = hook.Sent[1];
        Assert.True(r.Resolved);
        Assert.Equal((3, FakeClock.At(2026, 1, 29, 5, 30)), (r.Incident.Count, r.Incident.ResolvedAt));
        Assert.Contains("seen 3 times", r.Text, StringComparison.Ordinal);
        Assert.Empty(alerter.Store.Open());

        var again = await alerter.ResolveAsync(IncidentKinds.BackupFailed, "boutique");
        Assert.Equal(AlertAction.None, again.Action);
        Assert.Equal(2, hook.Sent.Count);
    }

    [Fact]
    public async Task Incidents_are_per_kind_and_application()
    {
        var hook = new RecordingChannel("hook");
        var alerter = Make(hook);

        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "a");
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "blog", "b");
        await alerter.RaiseAsync(IncidentKinds.DrillFailed, "boutique", "c");
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "d");

        Assert.Equal(["a", "b", "c"], hook.Sent.Select(m => m.Incident.Message));
        Assert.Equal(3, alerter.Store.Open().Count);
    }

    [Fact]
    public async Task A_channel_that_was_down_is_told_at_the_next_repeat_and_only_told_channels_get_resolved()
    {
        var hook = new RecordingChannel("hook");
        var mail = new RecordingChannel("mail") { Down = true };
        var alerter = Make(hook, mail);

        var first = await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");
        Assert.Equal(["hook"], first.Sent);
        Assert.Equal(["mail: connection refused (1 attempt)"], first.Failures);

        var second = await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");
        Assert.Single(hook.Sent);
        Assert.Empty(second.Sent);

        mail.Down = false;
        var third = await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");
        Assert.Equal(["mail"], third.Sent);
        Assert.Equal(3, Assert.Single(mail.Sent).Incident.Count);
        Assert.Single(hook.Sent);

        await alerter.ResolveAsync(IncidentKinds.BackupFailed, "boutique");
        Assert.True(hook.Sent[^1].Resolved);
        Assert.True(mail.Sent[^1].Resolved);
    }

    [Fact]
    public async Task Nobody_told_means_no_resolved_message()
    {
        var hook = new RecordingChannel("hook") { Down = true };
        var alerter = Make(hook);
        await alerter.RaiseAsync(IncidentKinds.DiskSpaceLow, "boutique", "x");
        hook.Down = false;

        var r = await alerter.ResolveAsync(IncidentKinds.DiskSpaceLow, "boutique");

        Assert.Equal(AlertAction.Resolved, r.Action);
        Assert.Empty(hook.Sent);
    }

    [Fact]
    public async Task The_store_is_a_private_json_file_and_deleting_it_announces_the_next_failure_again()
    {
        var hook = new RecordingChannel("hook");
        var alerter = Make(hook);
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");

        var file = folder.File(IncidentStore.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal("backup-failed", (string?)json["incidents"]![0]!["kind"]);
        Assert.Equal("hook", (string?)json["incidents"]![0]!["notified_channels"]![0]);

        File.Delete(file);
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");
        Assert.Equal(2, hook.Sent.Count);

        File.WriteAllText(file, "{ torn");
        await alerter.RaiseAsync(IncidentKinds.BackupFailed, "boutique", "x");
        Assert.Equal(3, hook.Sent.Count);
        Assert.Single(alerter.Store.Open());
    }
}
