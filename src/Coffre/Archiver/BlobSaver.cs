using System.Buffers;
using System.Threading.Channels;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Pack;

namespace Coffre.Archiver;

/// <summary>One blob worker: compresses and seals new chunks, then appends them to the data pack.</summary>
internal sealed class BlobSaver(Repository.Repository repo, RepositoryWriter writer)
{
    public async Task RunAsync(ChannelReader<ChunkJob> chunks, CancellationToken ct)
    {
        await foreach (var chunk in chunks.ReadAllAsync(ct).ConfigureAwait(false))
        {
            BlobCodec.Encoded enc;
            try { enc = BlobCodec.Encode(repo.Key, chunk.Buffer.AsSpan(0, chunk.Length), compress: true); }
            finally { ArrayPool<byte>.Shared.Return(chunk.Buffer); }
            try { await writer.AddEncodedAsync(BlobType.Data, chunk.Id, enc, chunk.Length, ct).ConfigureAwait(false); }
            finally { ArrayPool<byte>.Shared.Return(enc.Buffer); }
        }
    }
}
