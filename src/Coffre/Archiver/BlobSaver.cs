using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Pack;

namespace Coffre.Archiver;

/// <summary>One blob worker: compresses and seals new chunks into encoding buffers, then appends them to the data pack.</summary>
/// <param name="idle">Encoding buffers no worker uses: taken for one chunk and put back, so that the pipeline can let
/// them go between the parts of a backup (<see cref="BackupPipeline.ReleaseIdleBuffersAsync"/>).</param>
internal sealed class BlobSaver(Repository.Repository repo, RepositoryWriter writer, ChunkBufferPool buffers, ConcurrentBag<BlobCodec.EncodeBuffers> idle)
{
    public async Task RunAsync(ChannelReader<ChunkJob> chunks, CancellationToken ct)
    {
        await foreach (var chunk in chunks.ReadAllAsync(ct).ConfigureAwait(false))
        {
            // Made only when needed: a backup without new data never allocates them.
            var own = idle.TryTake(out var b) ? b : new BlobCodec.EncodeBuffers();
            try
            {
                var enc = BlobCodec.Encode(repo.Key, chunk.Buffer.AsSpan(0, chunk.Length), own);
                await writer.AddEncodedAsync(BlobType.Data, chunk.Id, own.Sealed.AsMemory(0, enc.Length), enc.UncompressedLength, chunk.Length, ct).ConfigureAwait(false);
            }
            finally
            {
                idle.Add(own);
                // Last: an idle chunk pool then means that no chunk is anywhere in the pipeline (see ChunkBufferPool.WhenIdleAsync).
                buffers.Return(chunk.Buffer);
            }
        }
    }
}
