using System.Globalization;
using System.Text;
using System.Text.Json;
using Coffre.Model.Json;

namespace Coffre.Repository;

/// <summary>The repository <c>config</c> file (sealed, never compressed, no version byte; format doc §3).</summary>
public sealed record RepositoryConfig(int Version, string Id, ulong ChunkerPolynomial)
{
    private const string What = "repository config";

    /// <summary><c>{"version":2,"id":"..","chunker_polynomial":".."}</c>, no trailing newline.</summary>
    public byte[] Serialize()
    {
        var w = new GoJsonWriter(128);
        w.WriteStartObject();
        w.WritePropertyName("version");
        w.WriteNumber((long)Version);
        w.WritePropertyName("id");
        w.WriteString(Id);
        w.WritePropertyName("chunker_polynomial");
        w.WriteString(ChunkerPolynomial.ToString("x", CultureInfo.InvariantCulture));
        w.WriteEndObject();
        return w.ToArray();
    }

    /// <exception cref="InvalidDataException">malformed JSON, version not 1 or 2, missing id, polynomial not hex.</exception>
    public static RepositoryConfig Parse(ReadOnlySpan<byte> json)
    {
        long? version = null;
        string? id = null;
        ulong? polynomial = null;
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.Next(ref r);
            if (r.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("expected a JSON object");
            while (JsonRead.NextProperty(ref r))
            {
                byte[] name = JsonRead.Bytes(ref r).ToArray();
                JsonRead.Next(ref r);
                if (r.TokenType == JsonTokenType.Null) continue; // Go leaves the field unset
                if (Is(name, "version"u8))
                {
                    version = JsonRead.Int64(ref r, "version");
                }
                else if (Is(name, "id"u8))
                {
                    id = JsonRead.String(ref r, "id");
                }
                else if (Is(name, "chunker_polynomial"u8))
                {
                    // restic's Pol is a quoted hex string without 0x (strconv.ParseUint(s, 16, 64)).
                    string hex = JsonRead.String(ref r, "chunker_polynomial");
                    polynomial = ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong pol)
                        ? pol : throw new InvalidDataException($"chunker_polynomial '{hex}' is not hex");
                }
                else
                {
                    r.Skip();
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{What}: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap(What, e);
        }
        if (version is not (1 or 2)) throw new InvalidDataException($"repository config: unsupported repository version {version?.ToString(CultureInfo.InvariantCulture) ?? "(missing)"}");
        if (string.IsNullOrEmpty(id)) throw new InvalidDataException("repository config: id missing");
        if (polynomial is null) throw new InvalidDataException("repository config: chunker_polynomial missing");
        return new RepositoryConfig((int)version.Value, id, polynomial.Value);
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key) => Ascii.EqualsIgnoreCase(name, key); // Go matches keys case-insensitively
}
