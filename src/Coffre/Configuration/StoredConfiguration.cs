using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Coffre.Configuration;

/// <summary>
/// The configuration as an application backup stores it (<c>config/coffre.json</c> in the snapshot, docs/recovery.md):
/// the file as loaded (environment overrides applied, paths absolute, defaults filled in), written back as coffre.json
/// keys, so that on a new machine <c>coffre config restore</c> gives back a file that loads as the original did.
/// coffre.json holds no password by design (the loader refuses one); what may still be a secret is left out and named:
/// a webhook's URL (its path is often the credential), the value of a webhook header that carries a credential, and the
/// password in a location's <c>user:password@</c>.
/// </summary>
public static partial class StoredConfiguration
{
    /// <summary>Where the configuration is in an application snapshot.</summary>
    public const string SnapshotPath = "config/coffre.json";

    /// <summary>A stored configuration larger than this was not written by Coffre (forged or damaged).</summary>
    public const int MaxSize = 1 << 20;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The configuration as JSON, and the keys left out because they may hold a secret.</summary>
    public static (byte[] Json, IReadOnlyList<string> LeftOut) Serialize(CoffreConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var root = ToNode(config) as JsonObject ?? [];
        var leftOut = new List<string>();
        Strip(root, leftOut);
        var text = root.ToJsonString(Indented) + "\n";
        return (Encoding.UTF8.GetBytes(text), leftOut);
    }

    /// <summary>The keys of a configuration class: its public properties with a public setter (as the loader reads them).</summary>
    internal static IEnumerable<PropertyInfo> Keys(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case int i: return JsonValue.Create(i);
            case long l: return JsonValue.Create(l);
            case double d: return JsonValue.Create(d);
            case IDictionary map:
                // Named entries (e.g. credentials: variable name → source): keys kept as written.
                var entries = new JsonObject();
                foreach (DictionaryEntry e in map)
                    if (ToNode(e.Value) is { } v) entries[Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!] = v;
                return entries.Count == 0 ? null : entries;
            case IList list:
                var array = new JsonArray();
                foreach (var item in list)
                    if (ToNode(item) is { } n) array.Add(n);
                return array.Count == 0 ? null : array;
            default:
                var obj = new JsonObject();
                foreach (var p in Keys(value.GetType()))
                    if (ToNode(p.GetValue(value)) is { } n) obj[ConfigLoader.Camel(p.Name)] = n;
                return obj.Count == 0 ? null : obj;
        }
    }

    private static void Strip(JsonObject root, List<string> leftOut)
    {
        // After loading, a local repository has both path and location (the same folder): one is enough.
        if (root["repository"] is JsonObject repo)
        {
            if (repo["path"] is not null) repo.Remove("location");
            StripLocationPassword(repo, "location", "repository.location", leftOut);
        }
        if (root["copies"] is JsonArray copies)
            for (var i = 0; i < copies.Count; i++)
                if (copies[i] is JsonObject copy) StripLocationPassword(copy, "location", $"copies[{i}].location", leftOut);
        if (root["alerts"]?["webhook"] is JsonObject webhook)
        {
            if (webhook.Remove("url")) leftOut.Add("alerts.webhook.url");
            if (webhook["headers"] is JsonArray headers)
                for (var i = 0; i < headers.Count; i++)
                    if (headers[i] is JsonObject h && h["value"] is not null && IsCredentialHeader(h["name"]?.GetValue<string>()))
                    {
                        h.Remove("value");
                        leftOut.Add($"alerts.webhook.headers[{i}].value");
                    }
        }
    }

    private static void StripLocationPassword(JsonObject section, string key, string name, List<string> leftOut)
    {
        if (section[key]?.GetValue<string>() is not { } location) return;
        var without = UserInfoPassword().Replace(location, "://${user}@");
        if (without == location) return;
        section[key] = without;
        leftOut.Add(name + " (its password)");
    }

    /// <summary>A header whose value is a credential: Authorization, a cookie, anything naming a token, key or secret.</summary>
    private static bool IsCredentialHeader(string? name)
    {
        var n = (name ?? "").ToLowerInvariant();
        return n.Contains("auth", StringComparison.Ordinal) || n.Contains("cookie", StringComparison.Ordinal) || n.Contains("token", StringComparison.Ordinal)
            || n.Contains("key", StringComparison.Ordinal) || n.Contains("secret", StringComparison.Ordinal) || n.Contains("signature", StringComparison.Ordinal)
            || n.Contains("pass", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"://(?<user>[^/@:\s]*):[^/@\s]*@")]
    private static partial Regex UserInfoPassword();
}
