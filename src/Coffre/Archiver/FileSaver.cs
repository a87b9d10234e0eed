using System.Buffers;
using System.Threading.Channels;
using Coffre.Chunking;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository;

namespace Coffre.Archiver;

/// <summary>
/// One file worker: reads a file, cuts it into chunks with the repository's chunker, hashes each chunk, and
/// hands the chunks the repository does not have yet to the blob workers. Keeps one 8 MiB chunk buffer.
/// </summary>
internal sealed class FileSaver(RepositoryWriter writer, Polynomial polynomial, ChunkBufferPool buffers, ChannelWriter<ChunkJob> blobs, BackupProgress progress, Action<SourceError> onError)
{
    private readonly Chunker _chunker = new(polynomial);

    public async Task RunAsync(ChannelReader<FileJob> files, CancellationToken ct)
    {
        await foreach (var job in files.ReadAllAsync(ct).ConfigureAwait(false))
            job.Done.TrySetResult(await SaveAsync(job, ct).ConfigureAwait(false));
    }

    private async Task<Node?> SaveAsync(FileJob job, CancellationToken ct)
    {
        var buffer = await buffers.RentAsync(ct).ConfigureAwait(false);
        try
        {
            return await SaveAsync(job, () => buffer, b => buffer = b, ct).ConfigureAwait(false);
        }
        finally
        {
            buffers.Return(buffer);
        }
    }

    private async Task<Node?> SaveAsync(FileJob job, Func<byte[]> current, Action<byte[]> replace, CancellationToken ct)
    {
        var content = new List<BlobId>();
        long total = 0;
        progress.CurrentFile = UnixPath.ToDisplay(job.Path);
        try
        {
            using var handle = job.Stream is null ? Posix.OpenRead(job.Path) : null;
            if (handle is not null) Posix.AdviseSequential(handle);
            using var file = handle is null ? null : new FileStream(handle, FileAccess.Read, bufferSize: 0);
            _chunker.Reset(job.Stream ?? file!);
            int n;
            while ((n = _chunker.Next(current())) > 0)
            {
                ct.ThrowIfCancellationRequested();
                var buffer = current();
                var id = BlobId.Hash(buffer.AsSpan(0, n));
                content.Add(id);
                total += n;
                progress.AddBytes(n);
                if (!writer.TryReserve(id)) continue;
                // The chunk leaves in its buffer; the next chunk gets another one.
                replace(await buffers.RentAsync(ct).ConfigureAwait(false));
                await blobs.WriteAsync(new ChunkJob(id, buffer, n), ct).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            onError(new SourceError(UnixPath.ToDisplay(job.Path), e.Message));
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            onError(new SourceError(UnixPath.ToDisplay(job.Path), e.Message));
            return null;
        }
        progress.FileFinished();
        // A file that grew or shrank while being read is stored as read (as restic does).
        job.Node.Size = (ulong)total;
        job.Node.Content = content;
        return job.Node;
    }
}
