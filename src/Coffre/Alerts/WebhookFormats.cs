using System.Text.Json.Nodes;

namespace Coffre.Alerts;

/// <summary>
/// The bodies a webhook can receive (docs/alerts.md): <c>json</c> (Coffre's own schema), <c>slack</c> (an incoming
/// webhook's <c>{"text": ...}</c>, also understood by Mattermost, Rocket.Chat and Discord's /slack endpoint) and
/// <c>teams</c> (a message with an Adaptive Card, what a Teams "Workflows" webhook expects).
/// </summary>
public static class WebhookFormats
{
    public const string Json = "json";
    public const string Slack = "slack";
    public const string Teams = "teams";

    public static IReadOnlyList<string> All { get; } = [Json, Slack, Teams];

    /// <summary>Version of the <c>json</c> schema; a change that removes or renames a key gets a new version.</summary>
    public const int SchemaVersion = 1;

    public static JsonObject Payload(string format, AlertMessage m) => format switch
    {
        Slack => new JsonObject { ["text"] = $"*{m.Title}*\n{m.Text}" },
        Teams => TeamsCard(m),
        _ => OwnSchema(m),
    };

    private static JsonObject OwnSchema(AlertMessage m)
    {
        var i = m.Incident;
        return new JsonObject
        {
            ["schema"] = $"coffre-alert/{SchemaVersion}",
            ["state"] = m.State,
            ["kind"] = i.Kind,
            ["application"] = i.Application,
            ["host"] = m.Host,
            ["title"] = m.Title,
            ["message"] = i.Message,
            ["first_seen"] = i.FirstSeen,
            ["last_seen"] = i.LastSeen,
            ["count"] = i.Count,
            ["resolved_at"] = i.ResolvedAt,
        };
    }

    private static JsonObject TeamsCard(AlertMessage m)
    {
        var i = m.Incident;
        JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
        var facts = new JsonArray
        {
            Fact("State", m.State), Fact("Kind", i.Kind), Fact("Application", i.Application), Fact("Host", m.Host),
            Fact("First seen", AlertMessage.Stamp(i.FirstSeen)), Fact("Last seen", AlertMessage.Stamp(i.LastSeen)), Fact("Count", i.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = new JsonArray
            {
                new JsonObject { ["type"] = "TextBlock", ["text"] = m.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true, ["color"] = m.Resolved ? "Good" : "Attention" },
                new JsonObject { ["type"] = "TextBlock", ["text"] = i.Message, ["wrap"] = true },
                new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
            },
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card } },
        };
    }
}
