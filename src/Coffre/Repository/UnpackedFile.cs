using Coffre.Repository.Compression;

namespace Coffre.Repository;

/// <summary>Plaintext of index/snapshot/lock files (format doc §4): raw JSON starting with '{'/'[' or 0x02 + one zstd frame.</summary>
public static class UnpackedFile
{
    public const byte CompressedMarker = 0x02;

    /// <summary>0x02 + zstd(json), as restic v2 always writes.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> json)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(1 + Zstd.CompressBound(json.Length));
        buffer[0] = CompressedMarker;
        int n = Zstd.Compress(json, buffer.AsSpan(1));
        return buffer.AsSpan(0, 1 + n).ToArray();
    }

    /// <exception cref="InvalidDataException">unknown leading byte or corrupt zstd data.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.IsEmpty) throw new InvalidDataException("unpacked file is empty");
        return plaintext[0] switch
        {
            (byte)'{' or (byte)'[' => plaintext.ToArray(),
            CompressedMarker => Zstd.DecompressUnknownSize(plaintext[1..]),
            var b => throw new InvalidDataException($"unpacked file: unsupported leading byte 0x{b:x2}"),
        };
    }
}
