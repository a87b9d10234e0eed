using System.Text;
using Coffre.Alerts;
using static Coffre.Tests.Alerts.AlertTestData;

namespace Coffre.Tests.Alerts;

/// <summary>Mail to a local SMTP server over STARTTLS (its own self-signed certificate, trusted by the test only).</summary>
public class EmailChannelTests
{
    private static EmailSettings Settings(SmtpServer server, string? user = "coffre", string password = "smtp p@ss", bool startTls = true) => new()
    {
        Host = "127.0.0.1",
        Port = server.Port,
        From = "coffre@example.com",
        To = ["ops@example.com", "boss@example.com"],
        User = user,
        Password = () => Encoding.UTF8.GetBytes(password),
        StartTls = startTls,
        CertificateValidation = server.Trust,
    };

    [Fact]
    public async Task A_mail_goes_over_starttls_with_auth_plain_to_every_recipient()
    {
        using var server = new SmtpServer();
        await new EmailChannel(Settings(server)).SendAsync(Message(), default);

        var mail = Assert.Single(server.Mails);
        Assert.True(mail.Tls);
        Assert.Equal(("coffre", "smtp p@ss"), (mail.User, mail.Password));
        Assert.Equal("coffre@example.com", mail.From);
        Assert.Equal(["ops@example.com", "boss@example.com"], mail.To);
        Assert.Contains("\r\nSubject: [coffre] web1: backup of boutique failed\r\n", "\r\n" + mail.Data, StringComparison.Ordinal);
        Assert.Contains("To: ops@example.com, boss@example.com\r\n", mail.Data, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; charset=utf-8\r\n", mail.Data, StringComparison.Ordinal);
        Assert.Contains("X-Coffre-Incident: backup-failed; state=open\r\n", mail.Data, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\ndatabase main: pg_dump: connection refused\r\n", mail.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_login_is_used_when_plain_is_not_offered()
    {
        using var server = new SmtpServer(authMechanisms: "LOGIN");
        await new EmailChannel(Settings(server)).SendAsync(Message(), default);

        var mail = Assert.Single(server.Mails);
        Assert.Equal(("coffre", "smtp p@ss", true), (mail.User, mail.Password, mail.Tls));
    }

    [Fact]
    public async Task A_non_ascii_body_is_base64_and_a_line_starting_with_a_dot_survives()
    {
        using var server = new SmtpServer();
        await new EmailChannel(Settings(server)).SendAsync(Message(message: "média « reçus » introuvable\n.hidden line"), default);

        var data = Assert.Single(server.Mails).Data;
        Assert.Contains("Content-Transfer-Encoding: base64\r\n", data, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(data[(data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Replace("\r\n", "", StringComparison.Ordinal)));
        Assert.StartsWith("média « reçus » introuvable\r\n.hidden line\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_starttls_is_refused_and_nothing_is_sent()
    {
        using var server = new SmtpServer(offerStartTls: false);
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new EmailChannel(Settings(server)), Message(), default);

        Assert.Empty(server.Mails);
        Assert.Empty(waits); // not transient: trying again would not help
        Assert.Contains("does not offer STARTTLS", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_is_never_sent_without_tls()
    {
        using var server = new SmtpServer(offerStartTls: false);
        var failure = await RecordingSender([]).SendAsync(new EmailChannel(Settings(server, startTls: false)), Message(), default);

        Assert.Empty(server.Mails);
        Assert.Contains("without TLS", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_login_a_plain_connection_can_be_asked_for()
    {
        using var server = new SmtpServer(offerStartTls: false);
        await new EmailChannel(Settings(server, user: null, startTls: false)).SendAsync(Message(), default);

        var mail = Assert.Single(server.Mails);
        Assert.False(mail.Tls);
        Assert.Null(mail.User);
    }

    [Fact]
    public async Task A_certificate_the_system_does_not_trust_is_refused()
    {
        using var server = new SmtpServer();
        var failure = await RecordingSender([]).SendAsync(new EmailChannel(Settings(server) with { CertificateValidation = null }), Message(), default);

        Assert.Empty(server.Mails);
        Assert.Contains("TLS failed", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_server_is_tried_again_after_the_first_delay()
    {
        using var server = new SmtpServer(busyConnections: 1);
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new EmailChannel(Settings(server)), Message(), default);

        Assert.Null(failure);
        Assert.Equal(2, server.Connections);
        Assert.Equal([TimeSpan.FromSeconds(1)], waits);
        Assert.Single(server.Mails);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_reported_with_the_server_name()
    {
        var port = ClosedPort();
        var waits = new List<TimeSpan>();
        var channel = new EmailChannel(new EmailSettings { Host = "127.0.0.1", Port = port, From = "a@b.c", To = ["d@e.f"] });
        var failure = await RecordingSender(waits).SendAsync(channel, Message(), default);

        Assert.Equal(3, waits.Count);
        Assert.StartsWith($"mail smtp://127.0.0.1:{port}: cannot connect", failure, StringComparison.Ordinal);
        Assert.EndsWith("(4 attempts)", failure, StringComparison.Ordinal);
    }
}
