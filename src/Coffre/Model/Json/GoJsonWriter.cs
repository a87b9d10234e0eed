using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Coffre.Model.Json;

/// <summary>
/// A minimal JSON writer whose output is byte-identical to Go's <c>encoding/json</c> (compact form,
/// HTML-safe string escaping). Commas between values and members are inserted automatically.
/// </summary>
public sealed class GoJsonWriter
{
    private static ReadOnlySpan<byte> LowerHex => "0123456789abcdef"u8;

    private readonly ArrayBufferWriter<byte> _buffer;
    private bool _needComma;

    public GoJsonWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(Math.Max(16, initialCapacity));
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int WrittenCount => _buffer.WrittenCount;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Clears the output so the writer (and its buffer) can be reused.</summary>
    public void Reset()
    {
        _buffer.Clear();
        _needComma = false;
    }

    public void WriteStartObject()
    {
        BeginValue();
        Put((byte)'{');
        _needComma = false;
    }

    public void WriteEndObject()
    {
        Put((byte)'}');
        _needComma = true;
    }

    public void WriteStartArray()
    {
        BeginValue();
        Put((byte)'[');
        _needComma = false;
    }

    public void WriteEndArray()
    {
        Put((byte)']');
        _needComma = true;
    }

    /// <summary>Writes <c>"name":</c> (the name is escaped like any string).</summary>
    public void WritePropertyName(string name)
    {
        BeginValue();
        WriteEscaped(name);
        Put((byte)':');
        _needComma = false;
    }

    /// <summary>Writes <c>"name":</c> from UTF-8 bytes (escaped like any string).</summary>
    public void WritePropertyNameUtf8(ReadOnlySpan<byte> utf8Name)
    {
        BeginValue();
        WriteEscapedUtf8(utf8Name);
        Put((byte)':');
        _needComma = false;
    }

    public void WriteString(string value)
    {
        BeginValue();
        WriteEscaped(value);
        _needComma = true;
    }

    /// <summary>Writes a string given as raw bytes; invalid UTF-8 bytes become <c>\ufffd</c> like in Go.</summary>
    public void WriteStringUtf8(ReadOnlySpan<byte> rawUtf8)
    {
        BeginValue();
        WriteEscapedUtf8(rawUtf8);
        _needComma = true;
    }

    public void WriteNumber(ulong value)
    {
        BeginValue();
        var span = _buffer.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        _buffer.Advance(n);
        _needComma = true;
    }

    public void WriteNumber(long value)
    {
        BeginValue();
        var span = _buffer.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        _buffer.Advance(n);
        _needComma = true;
    }

    public void WriteBool(bool value)
    {
        BeginValue();
        PutRaw(value ? "true"u8 : "false"u8);
        _needComma = true;
    }

    public void WriteNull()
    {
        BeginValue();
        PutRaw("null"u8);
        _needComma = true;
    }

    /// <summary>Writes pre-encoded JSON as one value (a comma is inserted when needed).</summary>
    public void WriteRaw(ReadOnlySpan<byte> json)
    {
        BeginValue();
        PutRaw(json);
        _needComma = true;
    }

    /// <summary>
    /// Writes a pre-encoded JSON value the way Go re-emits a <c>json.RawMessage</c>: insignificant whitespace
    /// removed and, inside strings, <c>&lt; &gt; &amp;</c> and U+2028/U+2029 escaped. Empty input is written as <c>null</c>.
    /// </summary>
    public void WriteRawCompacted(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            WriteNull();
            return;
        }
        BeginValue();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (!inString)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
                if (b == '"') inString = true;
                Put(b);
                continue;
            }
            switch (b)
            {
                case (byte)'\\':
                    Put(b);
                    if (i + 1 < json.Length) Put(json[++i]);
                    break;
                case (byte)'"':
                    inString = false;
                    Put(b);
                    break;
                case (byte)'<': PutRaw("\\u003c"u8); break;
                case (byte)'>': PutRaw("\\u003e"u8); break;
                case (byte)'&': PutRaw("\\u0026"u8); break;
                case 0xE2 when i + 2 < json.Length && json[i + 1] == 0x80 && (json[i + 2] == 0xA8 || json[i + 2] == 0xA9):
                    PutRaw(json[i + 2] == 0xA8 ? "\\u2028"u8 : "\\u2029"u8);
                    i += 2;
                    break;
                default:
                    Put(b);
                    break;
            }
        }
        _needComma = true;
    }

    /// <summary>Appends a newline (as Go's <c>json.Encoder</c> does after each value).</summary>
    public void WriteNewline() => Put((byte)'\n');

    /// <summary>Writes an ID as a JSON string of 64 lowercase hex characters.</summary>
    public void WriteId(BlobId id)
    {
        BeginValue();
        var span = _buffer.GetSpan(2 + BlobId.Size * 2);
        Span<byte> raw = stackalloc byte[BlobId.Size];
        id.WriteTo(raw);
        span[0] = (byte)'"';
        for (var i = 0; i < raw.Length; i++)
        {
            span[1 + 2 * i] = LowerHex[raw[i] >> 4];
            span[2 + 2 * i] = LowerHex[raw[i] & 0xF];
        }
        span[1 + BlobId.Size * 2] = (byte)'"';
        _buffer.Advance(2 + BlobId.Size * 2);
        _needComma = true;
    }

    /// <summary>Writes a time as Go's <c>time.Time</c> JSON (RFC 3339 with nanoseconds).</summary>
    public void WriteTime(GoTime time)
    {
        BeginValue();
        var span = _buffer.GetSpan(GoTime.MaxFormattedLength + 2);
        span[0] = (byte)'"';
        var n = time.FormatUtf8(span[1..]);
        span[1 + n] = (byte)'"';
        _buffer.Advance(n + 2);
        _needComma = true;
    }

    /// <summary>Writes bytes as Go encodes <c>[]byte</c>: a string of standard padded base64.</summary>
    public void WriteBase64String(ReadOnlySpan<byte> bytes)
    {
        BeginValue();
        var len = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        var span = _buffer.GetSpan(len + 2);
        span[0] = (byte)'"';
        Base64.EncodeToUtf8(bytes, span[1..], out _, out var written);
        span[1 + written] = (byte)'"';
        _buffer.Advance(written + 2);
        _needComma = true;
    }

    private void BeginValue()
    {
        if (_needComma) Put((byte)',');
    }

    private void Put(byte b)
    {
        _buffer.GetSpan(1)[0] = b;
        _buffer.Advance(1);
    }

    private void PutRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    private void WriteEscaped(string value)
    {
        // Lone surrogates become U+FFFD (EF BF BD), matching Go's conversion of invalid text.
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var tmp = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(value, tmp);
            WriteEscapedUtf8(tmp[..n]);
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void WriteEscapedUtf8(ReadOnlySpan<byte> s)
    {
        Put((byte)'"');
        var start = 0;
        var i = 0;
        while (i < s.Length)
        {
            var b = s[i];
            if (b < 0x80)
            {
                if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&')
                {
                    i++;
                    continue;
                }
                PutRaw(s[start..i]);
                switch (b)
                {
                    case (byte)'"': PutRaw("\\\""u8); break;
                    case (byte)'\\': PutRaw("\\\\"u8); break;
                    case (byte)'\n': PutRaw("\\n"u8); break;
                    case (byte)'\r': PutRaw("\\r"u8); break;
                    case (byte)'\t': PutRaw("\\t"u8); break;
                    case (byte)'\b': PutRaw("\\b"u8); break;
                    case (byte)'\f': PutRaw("\\f"u8); break;
                    default:
                        PutRaw("\\u00"u8);
                        Put(LowerHex[b >> 4]);
                        Put(LowerHex[b & 0xF]);
                        break;
                }
                i++;
                start = i;
                continue;
            }
            var r = GoUtf8.DecodeRune(s[i..], out var size);
            if (r == GoUtf8.RuneError && size == 1)
            {
                PutRaw(s[start..i]);
                PutRaw("\\ufffd"u8);
                i++;
                start = i;
                continue;
            }
            if (r == 0x2028 || r == 0x2029)
            {
                PutRaw(s[start..i]);
                PutRaw(r == 0x2028 ? "\\u2028"u8 : "\\u2029"u8);
                i += size;
                start = i;
                continue;
            }
            i += size;
        }
        PutRaw(s[start..]);
        Put((byte)'"');
    }
}
