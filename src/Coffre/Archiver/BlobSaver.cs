using System.Buffers;
using System.Threading.Channels;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Pack;

namespace Coffre.Archiver;

/// <summary>One blob worker: compresses and seals new chunks into its own buffers, then appends them to the data pack.</summary>
internal sealed class BlobSaver(Repository.Repository repo, RepositoryWriter writer, ChunkBufferPool buffers)
{
    public async Task RunAsync(ChannelReader<ChunkJob> chunks, CancellationToken ct)
    {
        BlobCodec.EncodeBuffers? own = null;
        await foreach (var chunk in chunks.ReadAllAsync(ct).ConfigureAwait(false))
        {
            own ??= new BlobCodec.EncodeBuffers(); // only a backup with new data needs them
            (int Length, uint UncompressedLength) enc;
            try { enc = BlobCodec.Encode(repo.Key, chunk.Buffer.AsSpan(0, chunk.Length), own); }
            finally { buffers.Return(chunk.Buffer); }
            await writer.AddEncodedAsync(BlobType.Data, chunk.Id, own.Sealed.AsMemory(0, enc.Length), enc.UncompressedLength, chunk.Length, ct).ConfigureAwait(false);
        }
    }
}
