using System.Globalization;
using System.Text;
using System.Text.Json;
using Coffre.Repository.Keys;

namespace Coffre.Repository;

/// <summary>The repository <c>config</c> file (sealed, never compressed, no version byte; format doc §3).</summary>
public sealed record RepositoryConfig(int Version, string Id, ulong ChunkerPolynomial)
{
    private const string What = "repository config";

    /// <summary><c>{"version":2,"id":"..","chunker_polynomial":".."}</c>, no trailing newline.</summary>
    public byte[] Serialize()
    {
        var sb = new StringBuilder(128);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"version\":{Version},\"id\":");
        GoJsonText.AppendString(sb, Id);
        sb.Append(",\"chunker_polynomial\":\"").Append(ChunkerPolynomial.ToString("x", CultureInfo.InvariantCulture)).Append("\"}");
        return GoJsonText.ToUtf8(sb);
    }

    /// <exception cref="InvalidDataException">malformed JSON, version not 1 or 2, missing id, polynomial not hex.</exception>
    public static RepositoryConfig Parse(ReadOnlySpan<byte> json)
    {
        long? version = null;
        string? id = null;
        ulong? polynomial = null;
        using (var doc = GoJsonText.ParseObject(json, What))
        {
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (GoJsonText.Is(p, "version"))
                {
                    version = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out long v)
                        ? v : throw new InvalidDataException("repository config: \"version\" must be an integer");
                }
                else if (GoJsonText.Is(p, "id"))
                {
                    id = GoJsonText.GetString(p, What);
                }
                else if (GoJsonText.Is(p, "chunker_polynomial"))
                {
                    // restic's Pol is a quoted hex string without 0x (strconv.ParseUint(s, 16, 64)).
                    string hex = GoJsonText.GetString(p, What);
                    polynomial = ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong pol)
                        ? pol : throw new InvalidDataException($"repository config: chunker_polynomial '{hex}' is not hex");
                }
            }
        }
        if (version is not (1 or 2)) throw new InvalidDataException($"repository config: unsupported repository version {version?.ToString(CultureInfo.InvariantCulture) ?? "(missing)"}");
        if (string.IsNullOrEmpty(id)) throw new InvalidDataException("repository config: id missing");
        if (polynomial is null) throw new InvalidDataException("repository config: chunker_polynomial missing");
        return new RepositoryConfig((int)version.Value, id, polynomial.Value);
    }
}
