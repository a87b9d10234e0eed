using System.Buffers.Binary;
using System.Text;

namespace Coffre.Storage.Sftp;

/// <summary>Builds one outgoing packet: length (filled in at the end), type, then big-endian fields.</summary>
internal sealed class SftpPacketWriter
{
    private byte[] _buffer;
    private int _length;

    public SftpPacketWriter(byte type, int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
        _length = 4;
        WriteByte(type);
    }

    private Span<byte> Grow(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }

    public SftpPacketWriter WriteByte(byte b) { Grow(1)[0] = b; return this; }
    public SftpPacketWriter WriteUInt32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(Grow(4), v); return this; }
    public SftpPacketWriter WriteUInt64(ulong v) { BinaryPrimitives.WriteUInt64BigEndian(Grow(8), v); return this; }

    public SftpPacketWriter WriteBytes(ReadOnlySpan<byte> data)
    {
        WriteUInt32((uint)data.Length);
        data.CopyTo(Grow(data.Length));
        return this;
    }

    public SftpPacketWriter WriteString(string s) => WriteBytes(Encoding.UTF8.GetBytes(s));

    /// <summary>Attributes with only the permission bits (or none).</summary>
    public SftpPacketWriter WriteAttributes(uint? permissions)
    {
        if (permissions is null) return WriteUInt32(0);
        return WriteUInt32(SftpProtocol.AttrPermissions).WriteUInt32(permissions.Value);
    }

    /// <summary>The finished packet, its length field set.</summary>
    public ReadOnlyMemory<byte> ToPacket()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer, (uint)(_length - 4));
        return _buffer.AsMemory(0, _length);
    }
}

/// <summary>
/// Reads the fields of one received packet; every read is bounds-checked against the packet. Its errors say what
/// the server sent ("a string of N bytes…"): the session prefixes who sent it and closes the connection.
/// </summary>
internal ref struct SftpPacketReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _data = payload;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining) throw new SftpProtocolException($"a truncated packet (a field of {n} bytes, {Remaining} left)");
        var s = _data.Slice(_position, n);
        _position += n;
        return s;
    }

    public byte ReadByte() => Take(1)[0];
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes()
    {
        var n = ReadUInt32();
        if (n > (uint)Remaining) throw new SftpProtocolException($"a string of {n} bytes in a packet with {Remaining} left");
        return Take((int)n);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public SftpAttributes ReadAttributes()
    {
        var flags = ReadUInt32();
        long? size = null;
        uint? permissions = null;
        if ((flags & SftpProtocol.AttrSize) != 0)
        {
            var s = ReadUInt64();
            if (s > long.MaxValue) throw new SftpProtocolException($"a size of {s} bytes");
            size = (long)s;
        }
        if ((flags & SftpProtocol.AttrUidGid) != 0) { ReadUInt32(); ReadUInt32(); }
        if ((flags & SftpProtocol.AttrPermissions) != 0) permissions = ReadUInt32();
        if ((flags & SftpProtocol.AttrTimes) != 0) { ReadUInt32(); ReadUInt32(); }
        if ((flags & SftpProtocol.AttrExtended) != 0)
        {
            var count = ReadUInt32();
            // Each pair is at least 8 bytes: a count beyond what is left is a lie, refused before looping on it.
            if (count > (uint)Remaining / 8) throw new SftpProtocolException($"{count} extended attributes in a packet with {Remaining} bytes left");
            for (var i = 0; i < count; i++) { ReadBytes(); ReadBytes(); }
        }
        return new SftpAttributes(size, permissions);
    }
}
