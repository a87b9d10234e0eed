using System.Globalization;
using System.Text;

namespace Coffre.Archives;

/// <summary>
/// Follows a tar stream's 512-byte headers as its bytes go by, before the tar reader sees them, and refuses a header
/// whose metadata would be held in memory whole (a PAX extended header, a GNU long name or link name) when it is
/// larger than any real archive needs: .NET's reader allocates such a record at the size its header claims, so a
/// few MB of gzip could otherwise claim gigabytes. GNU sparse entries (which Coffre never writes and whose extra
/// header blocks would hide where the next header is) are refused too.
/// </summary>
internal sealed class TarHeaderLimits
{
    /// <summary>The largest PAX extended header (local or global) accepted.</summary>
    public const int MaxPaxHeader = 1 << 20;

    /// <summary>The largest GNU long name or long link name accepted (Linux paths are at most 4096 bytes).</summary>
    public const int MaxLongName = 64 << 10;

    private readonly byte[] _header = new byte[512];
    private int _headerFill;
    private long _skip;          // bytes of the current entry's data (and padding) still to go by
    private byte[]? _pax;         // the data of a PAX header being collected, to read its "size" record
    private int _paxFill;
    private long? _nextSize;      // the size a PAX header gave the next entry

    /// <summary>Takes the next bytes of the tar stream; throws <see cref="InvalidDataException"/> on a refused header.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_skip > 0)
            {
                var n = (int)Math.Min(_skip, bytes.Length);
                if (_pax is not null && _paxFill < _pax.Length)
                {
                    var keep = Math.Min(n, _pax.Length - _paxFill);
                    bytes[..keep].CopyTo(_pax.AsSpan(_paxFill));
                    _paxFill += keep;
                }
                _skip -= n;
                bytes = bytes[n..];
                if (_skip == 0 && _pax is not null)
                {
                    _nextSize = PaxSize(_pax);
                    _pax = null;
                }
                continue;
            }
            var take = Math.Min(512 - _headerFill, bytes.Length);
            bytes[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            bytes = bytes[take..];
            if (_headerFill == 512)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        if (!_header.AsSpan().ContainsAnyExcept((byte)0)) return; // an end-of-archive block
        var type = (char)_header[156];
        var size = Octal(_header.AsSpan(124, 12));
        if (type is not ('x' or 'g' or 'L' or 'K') && _nextSize is { } paxSize) size = paxSize;
        if (type is not ('x' or 'g')) _nextSize = null;
        switch (type)
        {
            case 'x' or 'g' when size > MaxPaxHeader:
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"a PAX extended header of {size} bytes (Coffre accepts up to {MaxPaxHeader >> 20} MiB)"));
            case 'L' or 'K' when size > MaxLongName:
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"a GNU long name of {size} bytes (Coffre accepts up to {MaxLongName >> 10} KiB)"));
            case 'S':
                throw new InvalidDataException("a GNU sparse file entry (not supported: extract and re-create the archive without --sparse)");
        }
        if (type == 'x' && size > 0)
        {
            _pax = new byte[size];
            _paxFill = 0;
        }
        _skip = (size + 511) / 512 * 512;
    }

    /// <summary>A header number: octal text, or GNU's base-256 (high bit set) for large values.</summary>
    private static long Octal(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0) throw new InvalidDataException("a negative size in a tar header");
            long v = field[0] & 0x3F;
            foreach (var b in field[1..])
            {
                if (v > (long.MaxValue >> 8)) throw new InvalidDataException("a tar header size beyond 2^63");
                v = (v << 8) | b;
            }
            return v;
        }
        long value = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ') { if (value > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') throw new InvalidDataException("a malformed size in a tar header");
            if (value > (long.MaxValue >> 3)) throw new InvalidDataException("a tar header size beyond 2^63");
            value = (value << 3) | (uint)(b - '0');
        }
        return value;
    }

    /// <summary>The "size" record of a PAX header (records are "LENGTH key=value\n", the length counting the whole record), or null.</summary>
    private static long? PaxSize(byte[] pax)
    {
        long? size = null;
        var pos = 0;
        while (pos < pax.Length)
        {
            var space = Array.IndexOf(pax, (byte)' ', pos);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(pax, pos, space - pos), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space - pos + 1 || pos + length > pax.Length)
                break; // malformed: the tar reader refuses it
            var kv = pax.AsSpan(space + 1, pos + length - space - 2);
            if (kv.StartsWith("size="u8) && long.TryParse(kv[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) size = v;
            pos += length;
        }
        return size;
    }
}
