using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Coffre.Repository.Keys;

/// <summary>Small helpers to write and read JSON the way Go's encoding/json does (for key files and config).</summary>
internal static class GoJsonText
{
    /// <summary>Appends a quoted string escaped like Go's json.Marshal (HTML-safe: &lt; &gt; &amp; as \u003c \u003e \u0026).</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    AppendUnicodeEscape(sb, c);
                    break;
                default:
                    if (c < 0x20) AppendUnicodeEscape(sb, c);
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) sb.Append(c).Append(value[++i]);
                    else if (char.IsSurrogate(c)) sb.Append("\\ufffd"); // Go writes invalid UTF-8 as \ufffd
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));

    public static byte[] ToUtf8(StringBuilder sb) => Encoding.UTF8.GetBytes(sb.ToString());

    /// <summary>Parses a JSON object root; malformed JSON becomes <see cref="InvalidDataException"/>.</summary>
    public static JsonDocument ParseObject(ReadOnlySpan<byte> json, string what)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: invalid JSON ({e.Message})", e);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new InvalidDataException($"{what}: expected a JSON object");
        }
        return doc;
    }

    /// <summary>Go matches JSON keys to struct fields case-insensitively.</summary>
    public static bool Is(JsonProperty p, string name) => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase);

    public static string GetString(JsonProperty p, string what) =>
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new InvalidDataException($"{what}: \"{p.Name}\" must be a string");

    public static int GetInt32(JsonProperty p, string what) =>
        p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int v) ? v : throw new InvalidDataException($"{what}: \"{p.Name}\" must be an integer");

    public static byte[] GetBase64(JsonProperty p, string what)
    {
        string s = GetString(p, what);
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{what}: \"{p.Name}\" is not valid base64", e);
        }
    }
}
