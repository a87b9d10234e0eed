using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Index;
using Coffre.Storage;

namespace Coffre.Maintenance.Repair;

/// <summary>
/// The index files of a repository, read as they are (not merged), and their replacement: the new files are written
/// first, the old ones deleted after, so an interrupted repair leaves at worst packs described twice (harmless).
/// </summary>
internal sealed class IndexFiles
{
    /// <summary>restic writes an index file per about this many blobs.</summary>

    /// <summary>Each pack and its blobs, as the first readable index file naming it describes it.</summary>
    public Dictionary<BlobId, List<IndexBlob>> Packs { get; } = [];
    /// <summary>Every index file (readable or not): all are replaced by <see cref="ReplaceAsync"/>.</summary>
    public List<string> Names { get; } = [];
    /// <summary>Index files that could not be read, with why.</summary>
    public List<(string Name, string Error)> Unreadable { get; } = [];

    public static async Task<IndexFiles> LoadAsync(Repository.Repository repo, CancellationToken ct)
    {
        var files = new IndexFiles();
        await foreach (var e in repo.Backend.ListAsync(FileType.Index, ct).ConfigureAwait(false))
        {
            files.Names.Add(e.Name);
            try
            {
                foreach (var (pack, blobs) in IndexJson.ParsePacks(await repo.LoadJsonAsync(FileType.Index, e.Name, ct).ConfigureAwait(false)))
                    files.Packs.TryAdd(pack, [.. blobs]);
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or StorageNotFoundException)
            {
                files.Unreadable.Add((e.Name, ex.Message));
            }
        }
        return files;
    }

    /// <summary>Writes <paramref name="packs"/> as new index files, then deletes every old one. Returns the files written.</summary>
    public async Task<int> ReplaceAsync(Repository.Repository repo, IEnumerable<IndexPack> packs, CancellationToken ct)
    {
        var written = new HashSet<string>();
        foreach (var chunk in IndexFileChunks.Split(packs))
            written.Add((await repo.SaveJsonAsync(FileType.Index, IndexJson.Serialize(chunk), ct).ConfigureAwait(false)).ToString());
        foreach (var name in Names)
        {
            if (written.Contains(name)) continue; // the same content again: the same name
            try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Index, name), ct).ConfigureAwait(false); }
            catch (StorageNotFoundException) { }
        }
        return written.Count;
    }
}
