using System.Security.Cryptography;
using System.Text;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>Creates and edits files on raw byte paths (any Linux name), with exact modes and times.</summary>
internal static class RawFiles
{
    public static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Join(byte[] dir, params byte[][] parts)
    {
        var p = dir;
        foreach (var part in parts) p = UnixPath.Join(p, part);
        return p;
    }

    public static void Write(byte[] path, ReadOnlySpan<byte> content, uint mode = 0x1A4 /* 0644 */)
    {
        using (var h = Posix.CreateFile(path, 0x180, exclusive: false))
        {
            if (!content.IsEmpty) RandomAccess.Write(h, content, 0);
        }
        Posix.Chmod(path, mode);
    }

    public static void Write(byte[] path, string content, uint mode = 0x1A4) => Write(path, B(content), mode);

    /// <summary>A file of <paramref name="size"/> pseudo-random (incompressible, reproducible) bytes.</summary>
    public static void WriteRandom(byte[] path, long size, int seed, uint mode = 0x1A4)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using (var h = Posix.CreateFile(path, 0x180, exclusive: false))
        {
            for (long offset = 0; offset < size; offset += buffer.Length)
            {
                var n = (int)Math.Min(buffer.Length, size - offset);
                random.NextBytes(buffer.AsSpan(0, n));
                RandomAccess.Write(h, buffer.AsSpan(0, n), offset);
            }
        }
        Posix.Chmod(path, mode);
    }

    /// <summary>A file of about <paramref name="size"/> bytes of numbered text lines (compresses well, yet chunks differ).</summary>
    public static void WriteCompressible(byte[] path, long size, uint mode = 0x1A4)
    {
        using var h = Posix.CreateFile(path, 0x180, exclusive: false);
        var sb = new StringBuilder();
        long offset = 0;
        for (var line = 0; offset < size; line++)
        {
            sb.Append("line ").Append(line).Append(" of a very compressible file, the same words again and again\n");
            if (sb.Length < 1 << 16) continue;
            var bytes = B(sb.ToString());
            var n = (int)Math.Min(bytes.Length, size - offset);
            RandomAccess.Write(h, bytes.AsSpan(0, n), offset);
            offset += n;
            sb.Clear();
        }
        h.Dispose();
        Posix.Chmod(path, mode);
    }

    public static void Overwrite(byte[] path, long offset, ReadOnlySpan<byte> data)
    {
        using var h = File.OpenHandle(UnixPath.ToDisplay(path), FileMode.Open, FileAccess.Write);
        RandomAccess.Write(h, data, offset);
    }

    public static byte[] Read(byte[] path)
    {
        using var h = Posix.OpenRead(path);
        var length = RandomAccess.GetLength(h);
        var buffer = new byte[length];
        var done = 0;
        while (done < length) done += RandomAccess.Read(h, buffer.AsSpan(done), done);
        return buffer;
    }

    public static string Sha256(byte[] path)
    {
        using var h = Posix.OpenRead(path);
        using var s = new FileStream(h, FileAccess.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    public static void Dir(byte[] path, uint mode = 0x1ED /* 0755 */)
    {
        Posix.MakeDirectoryAll(path, 0x1C0);
        Posix.Chmod(path, mode);
    }

    public static void SetMtime(byte[] path, long seconds, int nanoseconds) =>
        Posix.SetTimes(path, new UnixTime(seconds, nanoseconds), new UnixTime(seconds, nanoseconds));
}
