using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coffre.Cli.Output;

/// <summary>JSON output for --json (machine-readable; not the repository format, so System.Text.Json is fine).</summary>
internal static class JsonText
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Escape(string s) => JsonSerializer.Serialize(s, Options)[1..^1];

    public static void Print<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Options));
}
