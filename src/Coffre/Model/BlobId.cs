using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffre.Model;

/// <summary>A 32-byte SHA-256 identifier (blob, pack, index, snapshot, key, lock), shown as 64 lowercase hex chars.</summary>
public readonly struct BlobId : IEquatable<BlobId>, IComparable<BlobId>
{
    public const int Size = 32;

    // Four big-endian words: equality and ordering stay cheap and match byte order.
    private readonly ulong _a, _b, _c, _d;

    public BlobId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException("an ID is 32 bytes", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public static BlobId Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[Size];
        SHA256.HashData(data, h);
        return new BlobId(h);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var b = new byte[Size];
        WriteTo(b);
        return b;
    }

    public static BlobId Parse(string hex)
    {
        if (!TryParse(hex, out var id)) throw new FormatException($"invalid ID '{hex}': expected 64 hex characters");
        return id;
    }

    public static bool TryParse(ReadOnlySpan<char> hex, out BlobId id)
    {
        id = default;
        if (hex.Length != Size * 2) return false;
        Span<byte> b = stackalloc byte[Size];
        if (Convert.FromHexString(hex, b, out _, out var written) != OperationStatus.Done || written != Size) return false;
        id = new BlobId(b);
        return true;
    }

    public static bool IsIdName(ReadOnlySpan<char> name)
    {
        if (name.Length != Size * 2) return false;
        foreach (var c in name)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Size];
        WriteTo(b);
        return Convert.ToHexStringLower(b);
    }

    /// <summary>The first 8 hex characters, as restic shows IDs.</summary>
    public string ToShortString() => ToString()[..8];

    public bool Equals(BlobId other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is BlobId o && Equals(o);
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    public int CompareTo(BlobId other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    public static bool operator ==(BlobId l, BlobId r) => l.Equals(r);
    public static bool operator !=(BlobId l, BlobId r) => !l.Equals(r);
    public static bool operator <(BlobId l, BlobId r) => l.CompareTo(r) < 0;
    public static bool operator >(BlobId l, BlobId r) => l.CompareTo(r) > 0;
    public static bool operator <=(BlobId l, BlobId r) => l.CompareTo(r) <= 0;
    public static bool operator >=(BlobId l, BlobId r) => l.CompareTo(r) >= 0;
}
