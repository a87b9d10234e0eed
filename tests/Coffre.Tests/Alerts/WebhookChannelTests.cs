using Coffre.Alerts;
using static Coffre.Tests.Alerts.AlertTestData;

namespace Coffre.Tests.Alerts;

/// <summary>Real HTTP posts to a local server: the three body formats, headers, retries and what is not retried.</summary>
public class WebhookChannelTests
{
    [Fact]
    public async Task Json_format_is_coffres_own_schema()
    {
        using var server = new WebhookServer();
        await new WebhookChannel(new Uri(server.Url), WebhookFormats.Json).SendAsync(Message(), default);

        var r = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/hooks/T000/secret-token"), (r.Method, r.Path));
        Assert.StartsWith("application/json", r.Headers["Content-Type"], StringComparison.Ordinal);
        var body = Assert.Single(server.Delivered);
        Assert.Equal("coffre-alert/1", (string?)body["schema"]);
        Assert.Equal(("open", "backup-failed", "boutique", "web1"), ((string?)body["state"], (string?)body["kind"], (string?)body["application"], (string?)body["host"]));
        Assert.Equal("database main: pg_dump: connection refused", (string?)body["message"]);
        Assert.Equal(3, (int?)body["count"]);
        Assert.Equal(First, DateTimeOffset.Parse((string)body["first_seen"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(body["resolved_at"]);
        Assert.Equal("[coffre] web1: backup of boutique failed", (string?)body["title"]);
    }

    [Fact]
    public async Task Slack_format_is_one_text_field()
    {
        using var server = new WebhookServer();
        await new WebhookChannel(new Uri(server.Url), WebhookFormats.Slack).SendAsync(Message(resolved: true), default);

        var body = Assert.Single(server.Delivered);
        Assert.Equal(["text"], body.Select(p => p.Key));
        var text = (string)body["text"]!;
        Assert.StartsWith("*[coffre] web1: backup of boutique works again*\n", text, StringComparison.Ordinal);
        Assert.Contains("seen 3 times", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_format_is_a_message_with_an_adaptive_card()
    {
        using var server = new WebhookServer();
        await new WebhookChannel(new Uri(server.Url), WebhookFormats.Teams).SendAsync(Message(), default);

        var body = Assert.Single(server.Delivered);
        Assert.Equal("message", (string?)body["type"]);
        var attachment = body["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal(("AdaptiveCard", "1.4"), ((string?)card["type"], (string?)card["version"]));
        Assert.Equal("[coffre] web1: backup of boutique failed", (string?)card["body"]![0]!["text"]);
        Assert.Equal("database main: pg_dump: connection refused", (string?)card["body"]![1]!["text"]);
        var facts = card["body"]![2]!["facts"]!.AsArray().ToDictionary(f => (string)f!["title"]!, f => (string)f!["value"]!);
        Assert.Equal(("open", "backup-failed", "3"), (facts["State"], facts["Kind"], facts["Count"]));
    }

    [Fact]
    public async Task Configured_headers_are_sent()
    {
        using var server = new WebhookServer();
        await new WebhookChannel(new Uri(server.Url), WebhookFormats.Json, () => [new("Authorization", "Bearer t0k3n"), new("X-Source", "coffre")]).SendAsync(Message(), default);

        var r = Assert.Single(server.Requests);
        Assert.Equal(("Bearer t0k3n", "coffre"), (r.Headers["Authorization"], r.Headers["X-Source"]));
    }

    [Fact]
    public async Task A_500_is_retried_after_the_first_delay_and_then_delivered()
    {
        using var server = new WebhookServer(500);
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new WebhookChannel(new Uri(server.Url), WebhookFormats.Json), Message(), default);

        Assert.Null(failure);
        Assert.Equal([500, 200], server.Requests.Select(r => r.Status));
        Assert.Equal([TimeSpan.FromSeconds(1)], waits);
        Assert.Single(server.Delivered);
    }

    [Fact]
    public async Task A_server_that_keeps_failing_gets_four_attempts_with_1_5_30_s_between_them()
    {
        using var server = new WebhookServer(503, 503, 503, 503, 503);
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new WebhookChannel(new Uri(server.Url), WebhookFormats.Json), Message(), default);

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)], waits);
        Assert.Equal($"webhook http://127.0.0.1:{server.Port}: the server answered 503 Error (4 attempts)", failure);
        Assert.DoesNotContain("secret-token", failure, StringComparison.Ordinal); // the URL's path is often its secret
    }

    [Fact]
    public async Task A_404_is_not_retried()
    {
        using var server = new WebhookServer(404);
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new WebhookChannel(new Uri(server.Url), WebhookFormats.Json), Message(), default);

        Assert.Single(server.Requests);
        Assert.Empty(waits);
        Assert.Contains("404", failure, StringComparison.Ordinal);
        Assert.EndsWith("(1 attempt)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_reported()
    {
        var port = ClosedPort();
        var waits = new List<TimeSpan>();
        var failure = await RecordingSender(waits).SendAsync(new WebhookChannel(new Uri($"http://127.0.0.1:{port}/x"), WebhookFormats.Json), Message(), default);

        Assert.Equal(3, waits.Count);
        Assert.StartsWith($"webhook http://127.0.0.1:{port}: ", failure, StringComparison.Ordinal);
        Assert.Contains("refused", failure, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_missing_header_variable_fails_without_retry_and_names_the_variable()
    {
        using var server = new WebhookServer();
        var waits = new List<TimeSpan>();
        var channel = new WebhookChannel(new Uri(server.Url), WebhookFormats.Json, () => throw new CoffreException("the variable HOOK_TOKEN (value of the header Authorization) is not set"));
        var failure = await RecordingSender(waits).SendAsync(channel, Message(), default);

        Assert.Empty(server.Requests);
        Assert.Empty(waits);
        Assert.Contains("HOOK_TOKEN", failure, StringComparison.Ordinal);
    }
}
