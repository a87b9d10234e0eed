using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffre.Application;

/// <summary>
/// metadata.json at the root of an application snapshot: what was backed up, from where, and how much, so a
/// restore can be verified (row counts) and a person can read what a backup holds without Coffre.
/// </summary>
public sealed record ApplicationMetadata
{
    public required string Time { get; init; }
    public required string Application { get; init; }
    public required string Host { get; init; }
    public required List<DatabaseMetadata> Databases { get; init; }
    public required List<MediaMetadata> Media { get; init; }
    public long TotalSize { get; init; }
    public double DurationSeconds { get; init; }
    public required string CoffreVersion { get; init; }
    /// <summary>
    /// <c>complete</c>, or <c>incomplete</c> when some media files could not be read; <c>imported</c> for an archive
    /// of the old script brought in by <c>coffre import</c> (row counts and server versions unknown).
    /// </summary>
    public required string Status { get; init; }
    /// <summary>Why this backup was taken when it is not a regular one, e.g. <c>pre-restore of 1a2b3c4d</c>.</summary>
    public string? Purpose { get; init; }
    /// <summary>The archive file an imported snapshot came from (old script's archives only); absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImportedFrom { get; init; }
    /// <summary>The configuration the backup carries (<c>config/coffre.json</c>, docs/recovery.md); absent in older backups.</summary>
    public ConfigurationMetadata? Configuration { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>
    /// Reads metadata.json. Its names come from an archive or a repository someone else may have written and become
    /// file names on restore, so each must be one coffre.json accepts: <see cref="InvalidMetadataException"/> otherwise.
    /// </summary>
    public static ApplicationMetadata Parse(ReadOnlySpan<byte> json) =>
        MetadataNames.Validate(JsonSerializer.Deserialize<ApplicationMetadata>(json, Json) ?? throw new InvalidDataException("metadata.json is empty"));

    /// <summary>Reads metadata.json from a snapshot's root tree; null when there is none.</summary>
    public static async Task<ApplicationMetadata?> ReadAsync(Repository.RepositoryReader repo, Model.BlobId tree, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var root = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false);
        var node = root.Find(n => n.Name.AsSpan().SequenceEqual("metadata.json"u8));
        if (node?.Content is not { } content) return null;
        using var ms = new MemoryStream();
        foreach (var id in content)
        {
            var (buf, len) = await repo.ReadBlobAsync(id, ct).ConfigureAwait(false);
            var fits = ms.Length + len <= MetadataNames.MaxSize;
            if (fits) ms.Write(buf, 0, len);
            BufferPool.Instance.Return(buf);
            if (!fits) throw new InvalidMetadataException($"metadata.json is larger than {MetadataNames.MaxSize >> 20} MiB: it was not written by Coffre (forged or damaged)");
        }
        return Parse(ms.ToArray());
    }
}

public sealed record DatabaseMetadata(string Name, string Engine, string File, string ServerVersion, long Size, IReadOnlyDictionary<string, long> Tables);

/// <summary>The stored configuration: its file in the snapshot, size, SHA-256, and the keys left out because they may hold a secret.</summary>
public sealed record ConfigurationMetadata(string File, long Size, string Sha256, IReadOnlyList<string> LeftOut);

public sealed record MediaMetadata(string Name, string Path, long Files, long Bytes);
