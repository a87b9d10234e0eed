using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffre.Configuration;

/// <summary>
/// Changes keys of a stored configuration before it is written on a new machine (<c>coffre config restore --set
/// key=value</c>): <c>media[uploads].path=/srv/new/uploads</c>, <c>databases[main].host=db2</c>,
/// <c>databases[0].port=5433</c>, <c>repository.passwordEnv=COFFRE_PASSWORD</c>. A list item is chosen by its index or
/// its name. Keys are checked against the model like the loader does; a path is made absolute against the current
/// folder; setting one password source of a section removes its others (exactly one is allowed); an empty value
/// removes the key.
/// </summary>
public static class ConfigurationEditor
{
    private static readonly HashSet<string> PathKeys = new(StringComparer.OrdinalIgnoreCase) { "path", "passwordFile", "binDirectory", "state", "metricsTokenFile" };
    private static readonly string[] PasswordKeys = ["passwordEnv", "passwordFile", "passwordCommand"];

    /// <summary>Applies one <c>key=value</c>; throws <see cref="CoffreException"/> naming what is wrong.</summary>
    public static void Set(JsonObject root, string assignment, string currentFolder)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(assignment);
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new CoffreException($"--set {assignment}: write key=value, e.g. --set media[uploads].path=/srv/uploads");
        var key = assignment[..eq].Trim();
        var value = assignment[(eq + 1)..];

        var segments = key.Split('.');
        JsonObject node = root;
        var type = typeof(CoffreConfig);
        for (var i = 0; i < segments.Length; i++)
        {
            var (name, selector) = Split(segments[i], assignment);
            var property = StoredConfiguration.Keys(type).FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new CoffreException($"--set {key}: unknown key \"{name}\" (known keys: {string.Join(", ", StoredConfiguration.Keys(type).Select(p => ConfigLoader.Camel(p.Name)))})");
            var camel = ConfigLoader.Camel(property.Name);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var element = ListElement(propertyType);
            var last = i == segments.Length - 1;
            if (selector is not null)
            {
                if (element is null || IsScalar(element)) throw new CoffreException($"--set {key}: \"{camel}\" is not a list of sections");
                var list = node[camel] as JsonArray ?? throw new CoffreException($"--set {key}: the configuration has no {camel}");
                node = Select(list, selector, camel, key);
                type = element;
                if (last) throw new CoffreException($"--set {key}: name a key of {camel}[{selector}], e.g. {camel}[{selector}].path");
                continue;
            }
            if (!last)
            {
                if (IsScalar(propertyType) || element is not null) throw new CoffreException($"--set {key}: \"{camel}\" has no keys below it");
                if (node[camel] is not JsonObject child)
                {
                    child = [];
                    node[camel] = child;
                }
                node = child;
                type = propertyType;
                continue;
            }
            if (value.Length == 0)
            {
                node.Remove(camel);
                return;
            }
            if (PasswordKeys.Contains(camel, StringComparer.Ordinal))
                foreach (var other in PasswordKeys.Where(k => k != camel)) node.Remove(other);
            node[camel] = Convert(propertyType, element, camel, value, currentFolder, key);
            return;
        }
    }

    /// <summary>Points the configuration at <paramref name="location"/> (a local folder made absolute, or a remote location as given).</summary>
    public static void SetRepository(JsonObject root, string location, string currentFolder)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root["repository"] is not JsonObject repo)
        {
            repo = [];
            root["repository"] = repo;
        }
        var parsed = Storage.RepositoryLocation.Parse(location);
        repo.Remove("location");
        repo.Remove("path");
        if (parsed.IsLocal) repo["path"] = ConfigLoader.ResolvePath(currentFolder, parsed.Text);
        else repo["location"] = location;
    }

    private static (string Name, string? Selector) Split(string segment, string assignment)
    {
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        if (open < 0) return (segment, null);
        if (!segment.EndsWith(']') || open == 0 || segment.Length - open < 3)
            throw new CoffreException($"--set {assignment}: \"{segment}\" is not KEY or KEY[INDEX or NAME]");
        return (segment[..open], segment[(open + 1)..^1]);
    }

    private static JsonObject Select(JsonArray list, string selector, string camel, string key)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < list.Count && list[index] is JsonObject byIndex ? byIndex
                : throw new CoffreException($"--set {key}: {camel} has {list.Count} item(s), so there is no {camel}[{index}]");
        var matches = list.OfType<JsonObject>().Where(o => NameOf(o)?.Equals(selector, StringComparison.Ordinal) == true).ToList();
        return matches.Count == 1 ? matches[0]
            : throw new CoffreException($"--set {key}: no {camel} item is named \"{selector}\" (names: {string.Join(", ", list.OfType<JsonObject>().Select(NameOf).Where(n => n is not null))})");
    }

    /// <summary>An item's name: its <c>name</c>, else the last element of its <c>path</c> (a media folder's default name).</summary>
    private static string? NameOf(JsonObject o) =>
        o["name"]?.GetValue<string>() ?? (o["path"]?.GetValue<string>() is { } p ? Path.GetFileName(p.TrimEnd('/')) : null);

    private static JsonNode Convert(Type type, Type? element, string camel, string value, string currentFolder, string key)
    {
        if (element is not null)
        {
            if (!value.TrimStart().StartsWith('[')) return new JsonArray(value.Split(',').Select(v => (JsonNode?)JsonValue.Create(v.Trim())).ToArray());
            try { return JsonNode.Parse(value) as JsonArray ?? throw new CoffreException($"--set {key}: expected a list"); }
            catch (JsonException e) { throw new CoffreException($"--set {key}: {value} is not a JSON list ({e.Message})", e); }
        }
        if (!IsScalar(type)) throw new CoffreException($"--set {key}: \"{camel}\" is a section: set its keys, e.g. {key}.{ConfigLoader.Camel(StoredConfiguration.Keys(type).First().Name)}=...");
        if (type == typeof(int))
            return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? JsonValue.Create(i) : throw new CoffreException($"--set {key}: \"{value}\" is not a whole number");
        if (type == typeof(long))
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : throw new CoffreException($"--set {key}: \"{value}\" is not a whole number");
        if (type == typeof(double))
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : throw new CoffreException($"--set {key}: \"{value}\" is not a number");
        if (type == typeof(bool))
            return bool.TryParse(value, out var b) ? JsonValue.Create(b) : throw new CoffreException($"--set {key}: \"{value}\" is not true or false");
        return JsonValue.Create(PathKeys.Contains(camel) ? ConfigLoader.ResolvePath(currentFolder, value)! : value);
    }

    private static Type? ListElement(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? t.GetGenericArguments()[0] : null;

    private static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t == typeof(string) || t.IsPrimitive;
    }
}
