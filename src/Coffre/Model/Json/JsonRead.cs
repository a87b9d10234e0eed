using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Coffre.Model.Json;

/// <summary>
/// Helpers for tolerant, Go-like JSON reading with <see cref="Utf8JsonReader"/>: ASCII case-insensitive
/// keys, <c>null</c> meaning "leave the default", type mismatches reported as <see cref="InvalidDataException"/>.
/// </summary>
internal static class JsonRead
{
    public static readonly JsonReaderOptions Options = new() { MaxDepth = 1000 };

    public static Utf8JsonReader Create(ReadOnlySpan<byte> json) => new(json, isFinalBlock: true, new JsonReaderState(Options));

    /// <summary>Reads the next token; the input must not end here.</summary>
    public static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw new InvalidDataException("unexpected end of JSON");
    }

    /// <summary>Reads the first token and checks it starts an object.</summary>
    public static void StartObject(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.StartObject) throw new InvalidDataException($"{what}: expected a JSON object");
    }

    /// <summary>
    /// Advances inside an object: returns false at its end, otherwise leaves the reader on the property
    /// name token (compare with <see cref="NameIs"/>, then call <see cref="Next"/> for the value).
    /// </summary>
    public static bool NextProperty(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject) return false;
        if (r.TokenType != JsonTokenType.PropertyName) throw new InvalidDataException("malformed JSON object");
        return true;
    }

    /// <summary>Case-insensitive (ASCII) key comparison, like Go's field matching.</summary>
    public static bool NameIs(ref Utf8JsonReader r, ReadOnlySpan<byte> name)
    {
        if (!r.ValueIsEscaped) return Ascii.EqualsIgnoreCase(r.ValueSpan, name);
        return Ascii.EqualsIgnoreCase(Bytes(ref r), name);
    }

    /// <summary>The unescaped UTF-8 bytes of the current string or property name token.</summary>
    public static ReadOnlySpan<byte> Bytes(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped) return r.ValueSpan;
        var buf = new byte[r.ValueSpan.Length];
        var n = r.CopyString(buf);
        return buf.AsSpan(0, n);
    }

    public static ReadOnlySpan<byte> StringBytes(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.String) throw Mismatch(field, "a string");
        return Bytes(ref r);
    }

    public static string String(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.String) throw Mismatch(field, "a string");
        return r.GetString() ?? "";
    }

    public static bool Bool(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Mismatch(field, "a boolean"),
    };

    public static ulong UInt64(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetUInt64(out var v)) throw Mismatch(field, "an unsigned integer");
        return v;
    }

    public static uint UInt32(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetUInt32(out var v)) throw Mismatch(field, "a 32-bit unsigned integer");
        return v;
    }

    public static long Int64(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out var v)) throw Mismatch(field, "an integer");
        return v;
    }

    public static GoTime Time(ref Utf8JsonReader r, string field)
    {
        if (!GoTime.TryParse(StringBytes(ref r, field), out var t)) throw Mismatch(field, "an RFC 3339 time");
        return t;
    }

    public static BlobId Id(ref Utf8JsonReader r, string field)
    {
        var s = StringBytes(ref r, field);
        if (s.Length != BlobId.Size * 2) throw Mismatch(field, "a 64-character hex ID");
        Span<byte> raw = stackalloc byte[BlobId.Size];
        for (var i = 0; i < BlobId.Size; i++)
        {
            var hi = HexValue(s[2 * i]);
            var lo = HexValue(s[2 * i + 1]);
            if ((hi | lo) < 0) throw Mismatch(field, "a 64-character hex ID");
            raw[i] = (byte)((hi << 4) | lo);
        }
        return new BlobId(raw);
    }

    public static byte[] Base64Bytes(ref Utf8JsonReader r, string field)
    {
        var s = StringBytes(ref r, field);
        var buf = new byte[Base64.GetMaxDecodedFromUtf8Length(s.Length)];
        if (Base64.DecodeFromUtf8(s, buf, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            // Go's decoder skips \r and \n; fall back to the lenient string decoder.
            try
            {
                return Convert.FromBase64String(Encoding.ASCII.GetString(s));
            }
            catch (FormatException)
            {
                throw Mismatch(field, "base64");
            }
        }
        return buf.AsSpan(0, written).ToArray();
    }

    /// <summary>Reads an array of strings (the reader is on its first token); <c>null</c> gives null.</summary>
    public static List<string>? StringList(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        if (r.TokenType != JsonTokenType.StartArray) throw Mismatch(field, "an array");
        var list = new List<string>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return list;
            list.Add(r.TokenType == JsonTokenType.Null ? "" : String(ref r, field));
        }
    }

    public static InvalidDataException Mismatch(string field, string expected) =>
        new($"JSON field '{field}': expected {expected}");

    /// <summary>Runs a parse step, turning reader and format errors into <see cref="InvalidDataException"/>.</summary>
    public static InvalidDataException Wrap(string what, Exception e) => new($"invalid {what} JSON: {e.Message}", e);

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
