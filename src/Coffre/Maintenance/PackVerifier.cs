using System.Security.Cryptography;
using Coffre.Model;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance;

/// <summary>What is wrong with a pack: <see cref="Blobs"/> are the blobs lost (null: all of them; empty: none, the
/// pack itself is inconsistent); <see cref="FoundBy"/> names an earlier command when the proof comes from the ledger.</summary>
internal sealed record PackDamage(string Reason, HashSet<BlobId>? Blobs, string? FoundBy = null);

/// <summary>
/// Reads one pack as a stream, as check --read-data does: its bytes must hash to its name, each blob the index
/// places in it must verify (MAC, length, SHA-256) and its header must list exactly those blobs. Memory: one blob.
/// Every blob is tried, so the damage names exactly the blobs that are lost.
/// </summary>
internal static class PackVerifier
{
    private const int SkipChunk = 64 * 1024;

    public static async Task<PackDamage?> VerifyAsync(Repository.RepositoryReader repo, BlobId pack, IReadOnlyList<IndexBlob> indexBlobs, CancellationToken ct)
    {
        var handle = new StorageHandle(FileType.Pack, pack.ToString());
        Stream stream;
        try { stream = await repo.Backend.OpenReadAsync(handle, ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { return new PackDamage("does not exist", null); }
        var sorted = indexBlobs.OrderBy(b => b.Offset).ToList();
        var bad = new HashSet<BlobId>();
        string? problem = null;
        long pos = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (stream.ConfigureAwait(false))
        {
            var truncated = false;
            foreach (var b in sorted)
            {
                if (truncated || b.Offset < pos)
                {
                    bad.Add(b.Id);
                    problem ??= truncated ? "is truncated" : $"the index places blob {b.Id.ToShortString()} over another one";
                    continue;
                }
                if (await SkipAsync(stream, hash, b.Offset - pos, ct).ConfigureAwait(false) < b.Offset - pos)
                {
                    truncated = true;
                    bad.Add(b.Id);
                    problem ??= "is truncated";
                    continue;
                }
                pos = b.Offset;
                var buf = BufferPool.Instance.Rent((int)b.Length);
                try
                {
                    var n = await stream.ReadAtLeastAsync(buf.AsMemory(0, (int)b.Length), (int)b.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    hash.AppendData(buf, 0, n);
                    pos += n;
                    if (n < b.Length)
                    {
                        truncated = true;
                        bad.Add(b.Id);
                        problem ??= "is truncated";
                        continue;
                    }
                    try
                    {
                        BlobCodec.Decode(repo.Key, buf.AsSpan(0, n), b, out var plain);
                        BufferPool.Instance.Return(plain);
                    }
                    catch (InvalidDataException e)
                    {
                        bad.Add(b.Id);
                        problem ??= e.Message;
                    }
                }
                finally
                {
                    BufferPool.Instance.Return(buf);
                }
            }
            pos += await SkipAsync(stream, hash, long.MaxValue, ct).ConfigureAwait(false);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        var hashOk = new BlobId(digest) == pack;
        if (problem is null)
        {
            try
            {
                var header = await repo.ReadPackHeaderAsync(pack, pos, ct).ConfigureAwait(false);
                if (!header.SequenceEqual(sorted)) problem = "has a header that does not match the index";
            }
            catch (InvalidDataException e) { problem = $"has an unreadable header: {e.Message}"; }
        }
        if (problem is null && !hashOk) problem = "does not match its name (its content changed)";
        if (problem is null) return null;
        return new PackDamage(bad.Count == 0 ? problem : $"{problem} ({bad.Count} of {sorted.Count} blobs damaged)", bad);
    }

    /// <summary>Reads and hashes up to <paramref name="count"/> bytes; returns how many there were.</summary>
    private static async Task<long> SkipAsync(Stream stream, IncrementalHash hash, long count, CancellationToken ct)
    {
        if (count <= 0) return 0;
        var buf = BufferPool.Instance.Rent(SkipChunk);
        try
        {
            long done = 0;
            while (done < count)
            {
                var n = await stream.ReadAsync(buf.AsMemory(0, (int)Math.Min(SkipChunk, count - done)), ct).ConfigureAwait(false);
                if (n == 0) break;
                hash.AppendData(buf, 0, n);
                done += n;
            }
            return done;
        }
        finally
        {
            BufferPool.Instance.Return(buf);
        }
    }
}
