using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.IntegrationTests.Journal;
using Coffre.Tests.Alerts;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Alerts;

/// <summary>
/// The real <c>coffre backup</c> and <c>coffre drill</c> with a coffre.json whose alerts point at a local webhook
/// server and a local SMTP server (STARTTLS with a certificate the coffre process trusts through SSL_CERT_FILE).
/// </summary>
public class AlertsCliTests
{
    private const string SmtpPassword = "smtp-S3cret-for-alerts";

    /// <summary>A local port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void AddAlerts(SqliteApp app, string alerts)
    {
        var file = Path.Combine(app.Root, "coffre.json");
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        json["alerts"] = JsonNode.Parse(alerts);
        File.WriteAllText(file, json.ToJsonString());
    }

    private static string Email(int port) =>
        $$"""{ "host": "127.0.0.1", "port": {{port}}, "from": "coffre@example.com", "to": [ "ops@example.com" ], "user": "coffre", "passwordEnv": "SMTP_PASSWORD" }""";

    /// <summary>The coffre process trusts exactly the test SMTP server's certificate.</summary>
    private static void TrustOnly(SqliteApp app, SmtpServer smtp, TestDirectory dir)
    {
        var pem = Path.Combine(dir.CreateSub("trust"), "ca.pem");
        File.WriteAllText(pem, smtp.Certificate.ExportCertificatePem());
        app.Coffre.Environment["SSL_CERT_FILE"] = pem;
        app.Coffre.Environment["SSL_CERT_DIR"] = dir.CreateSub("no-certs");
        app.Coffre.Environment["SMTP_PASSWORD"] = SmtpPassword;
    }

    [Fact]
    public void Repeated_backup_failures_send_one_webhook_post_and_one_mail_and_the_next_success_sends_resolved()
    {
        using var dir = new TestDirectory("alerts-backup");
        using var hook = new WebhookServer();
        using var smtp = new SmtpServer();
        var app = new SqliteApp(dir);
        AddAlerts(app, $$"""{ "webhook": { "url": "{{hook.Url}}" }, "email": {{Email(smtp.Port)}}, "retryDelaysSeconds": [ 0 ] }""");
        TrustOnly(app, smtp, dir);
        app.Coffre.Ok("init");
        Directory.Move(app.Media, app.Media + ".away");

        var first = app.Coffre.Run("backup");
        var second = app.Coffre.Run("backup");

        Assert.Equal((1, 1), (first.ExitCode, second.ExitCode));
        Assert.DoesNotContain("warning", first.StdErr + second.StdErr, StringComparison.Ordinal);
        var post = Assert.Single(hook.Delivered);
        Assert.Equal(("open", "backup-failed", "shop"), ((string?)post["state"], (string?)post["kind"], (string?)post["application"]));
        Assert.Equal(first.StdErrLines.Last(), "coffre: " + (string?)post["message"]);
        var mail = Assert.Single(smtp.Mails);
        Assert.True(mail.Tls);
        Assert.Equal(("coffre", SmtpPassword, "coffre@example.com"), (mail.User, mail.Password, mail.From));
        Assert.Contains("Subject: [coffre] ", mail.Data, StringComparison.Ordinal);
        Assert.Contains(": backup of shop failed\r\n", mail.Data, StringComparison.Ordinal);
        var store = JsonNode.Parse(File.ReadAllText(Path.Combine(app.Root, "logs", "incidents.json")))!;
        Assert.Equal(2, (int?)store["incidents"]![0]!["count"]);

        Directory.Move(app.Media + ".away", app.Media);
        var ok = app.Coffre.Run("backup");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(2, hook.Delivered.Count);
        var resolved = hook.Delivered[1];
        Assert.Equal(("resolved", "backup-failed", 2), ((string?)resolved["state"], (string?)resolved["kind"], (int?)resolved["count"]));
        Assert.NotNull((string?)resolved["resolved_at"]);
        Assert.Equal(2, smtp.Mails.Count);
        Assert.Contains(": backup of shop works again\r\n", smtp.Mails.Last().Data, StringComparison.Ordinal);
        var logs = new JournalFiles(Path.Combine(app.Root, "logs"));
        Assert.Equal(["init ok", "backup failed", "backup failed", "backup ok"], logs.Summary);
        Assert.DoesNotContain(SmtpPassword, logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_webhook_and_smtp_leave_the_exit_code_alone_warn_once_and_are_journaled()
    {
        using var dir = new TestDirectory("alerts-down");
        var hookPort = ClosedPort();
        var smtpPort = ClosedPort();
        var app = new SqliteApp(dir);
        AddAlerts(app, $$"""{ "webhook": { "url": "http://127.0.0.1:{{hookPort}}/hook/secret-token" }, "email": {{Email(smtpPort)}}, "retryDelaysSeconds": [ 0, 0 ], "diskFreeThresholdBytes": 9000000000000000000 }""");
        app.Coffre.Environment["SMTP_PASSWORD"] = SmtpPassword;
        app.Coffre.Ok("init");
        Directory.Move(app.Media, app.Media + ".away");

        var failed = app.Coffre.Run("backup");

        Assert.Equal(1, failed.ExitCode);
        var warning = Assert.Single(failed.StdErrLines, l => l.StartsWith("coffre: warning:", StringComparison.Ordinal));
        Assert.Contains($"webhook http://127.0.0.1:{hookPort}", warning, StringComparison.Ordinal);
        Assert.Contains($"mail smtp://127.0.0.1:{smtpPort}", warning, StringComparison.Ordinal);
        Assert.Contains("(3 attempts)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", warning, StringComparison.Ordinal);
        Assert.Contains("coffre: ", failed.StdErrLines[0], StringComparison.Ordinal); // the backup's own error comes first

        // A backup that works, on a disk "below" a threshold nobody can meet: the disk incident cannot be delivered either.
        Directory.Move(app.Media + ".away", app.Media);
        var ok = app.Coffre.Run("backup");

        Assert.Equal(0, ok.ExitCode);
        Assert.Contains(ok.StdErrLines, l => l.StartsWith("coffre: warning: alert not delivered: disk-space-low: webhook", StringComparison.Ordinal));
        var logs = new JournalFiles(Path.Combine(app.Root, "logs"));
        Assert.Equal(["init ok", "backup failed", "alert failed", "backup ok", "alert failed"], logs.Summary);
        var records = logs.Records;
        Assert.Equal(("alert", "failed", 1L, "shop"), (Str(records[2], "operation"), Str(records[2], "result"), Long(records[2], "exit_code"), Str(records[2], "application")));
        Assert.StartsWith("not delivered: backup-failed: webhook", Str(records[2], "error"), StringComparison.Ordinal);
        Assert.Equal(0L, Long(records[4], "exit_code"));
        Assert.Contains("disk-space-low", Str(records[4], "error"), StringComparison.Ordinal);
        Assert.DoesNotContain(SmtpPassword, logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Low_disk_space_after_a_backup_is_announced_once_and_resolved_when_the_threshold_is_met()
    {
        using var dir = new TestDirectory("alerts-disk");
        using var hook = new WebhookServer();
        var app = new SqliteApp(dir);
        AddAlerts(app, $$"""{ "webhook": { "url": "{{hook.Url}}", "format": "slack" }, "diskFreeThresholdBytes": 9000000000000000000 }""");
        app.Coffre.Ok("init");

        app.Coffre.Ok("backup");
        app.Coffre.Ok("backup");
        var open = Assert.Single(hook.Delivered);
        Assert.Contains("low disk space for the backups of shop", (string?)open["text"], StringComparison.Ordinal);
        Assert.Contains($"the file system of the repository {app.Repo} has ", (string?)open["text"], StringComparison.Ordinal);

        AddAlerts(app, $$"""{ "webhook": { "url": "{{hook.Url}}", "format": "slack" }, "diskFreeThresholdBytes": 1 }""");
        app.Coffre.Ok("backup");

        Assert.Equal(2, hook.Delivered.Count);
        Assert.Contains("is back above the threshold", (string?)hook.Delivered[1]["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_drill_opens_an_incident_and_a_passing_drill_resolves_it()
    {
        using var dir = new TestDirectory("alerts-drill");
        using var hook = new WebhookServer();
        var app = new SqliteApp(dir);
        AddAlerts(app, $$"""{ "webhook": { "url": "{{hook.Url}}", "format": "teams" } }""");
        app.Coffre.Ok("init");

        var failed = app.Coffre.Run("drill"); // no backup yet: nothing to restore

        Assert.Equal(1, failed.ExitCode);
        var card = Assert.Single(hook.Delivered)["attachments"]![0]!["content"]!;
        Assert.EndsWith("restore drill of shop failed", (string?)card["body"]![0]!["text"], StringComparison.Ordinal);

        app.Coffre.Ok("backup");
        app.Coffre.Ok("drill");

        Assert.Equal(2, hook.Delivered.Count);
        Assert.EndsWith("restore drill of shop passes again", (string?)hook.Delivered[1]["attachments"]![0]!["content"]!["body"]![0]!["text"], StringComparison.Ordinal);
    }
}
