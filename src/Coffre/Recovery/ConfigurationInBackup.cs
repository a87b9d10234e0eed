using System.Security.Cryptography;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Application;
using Coffre.Jobs;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Restore;

namespace Coffre.Recovery;

/// <summary>
/// Each application backup carries its configuration (<see cref="StoredConfiguration.SnapshotPath"/>, beside
/// <c>database/</c> and <c>media/</c>, an ordinary file restic checks and restores) and records it in metadata.json,
/// so that a new machine needs only the repository and its password or recovery code (docs/recovery.md).
/// </summary>
public static class ConfigurationInBackup
{
    /// <summary>Adds the configuration to the backup being composed; returns what metadata.json records of it.</summary>
    public static async Task<ConfigurationMetadata> AddAsync(SnapshotComposer composer, CoffreConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(composer);
        var (json, leftOut) = StoredConfiguration.Serialize(config);
        await composer.AddBytesAsync(StoredConfiguration.SnapshotPath, json, ct).ConfigureAwait(false);
        return new ConfigurationMetadata(StoredConfiguration.SnapshotPath, json.Length, Convert.ToHexStringLower(SHA256.HashData(json)), leftOut);
    }

    /// <summary>The stored configuration of a snapshot, or null when the backup predates it (or holds none).</summary>
    public static async Task<byte[]?> ReadAsync(Repository.Repository repo, BlobId tree, CancellationToken ct)
    {
        var node = await TreePaths.FindAsync(repo, tree, "/" + StoredConfiguration.SnapshotPath, ct).ConfigureAwait(false);
        if (node is null) return null;
        if (node.Type != NodeType.File) throw new CoffreException($"{StoredConfiguration.SnapshotPath} in the backup is not a file: the backup is damaged or forged");
        if (node.Size > StoredConfiguration.MaxSize)
            throw new CoffreException($"{StoredConfiguration.SnapshotPath} in the backup is larger than {StoredConfiguration.MaxSize >> 20} MiB: it was not written by Coffre (damaged or forged)");
        await using var content = new NodeContentStream(repo, node, StoredConfiguration.SnapshotPath);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await content.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > StoredConfiguration.MaxSize)
                throw new CoffreException($"{StoredConfiguration.SnapshotPath} in the backup is larger than {StoredConfiguration.MaxSize >> 20} MiB: it was not written by Coffre (damaged or forged)");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
