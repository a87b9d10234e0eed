using Coffre.Model;

namespace Coffre.Application.Restore;

/// <summary>What a restore did and what its verification found.</summary>
public sealed record ApplicationRestoreResult(
    RestorePlan Plan,
    BlobId? SafetySnapshot,
    IReadOnlyList<DatabaseVerification> Databases,
    IReadOnlyList<MediaVerification> Media,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration)
{
    public bool Verified => Databases.All(d => d.Ok) && Media.All(m => m.Check.Matches);
}

/// <summary>A restored database, and its per-table row counts compared with metadata.json.</summary>
public sealed record DatabaseVerification(string Name, string Destination, int TablesChecked, long Rows, IReadOnlyList<string> Mismatches, string? Note)
{
    public bool Ok => Mismatches.Count == 0;
}

/// <summary>A restored media folder: files written and removed, and the folder compared with the snapshot afterwards.</summary>
public sealed record MediaVerification(string Name, string Destination, long FilesRestored, long BytesRestored, long Removed, MediaDifference Check);

/// <summary>
/// A restore that stopped after it had begun to overwrite: the message says what failed, where the safety
/// snapshot is and the command that rolls back.
/// </summary>
public sealed class RestoreFailedException : CoffreException
{
    public RestoreFailedException(string message, int exitCode, Exception? inner) : base(message, exitCode, inner) { }
    public RestoreFailedException() : base("the restore failed") { }
    public RestoreFailedException(string message) : base(message) { }
    public RestoreFailedException(string message, Exception inner) : base(message, inner) { }
}
