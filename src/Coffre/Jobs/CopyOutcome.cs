using Coffre.Maintenance.Copy;
using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Jobs;

/// <summary>
/// How copying a backup to one of coffre.json's <c>copies</c> went: the snapshot's ID there (<see cref="Snapshot"/>,
/// also when it was already there), what the copy's retention removed, or why it failed (<see cref="Error"/>: the
/// backup itself is saved all the same).
/// </summary>
public sealed record CopyOutcome(string Location, BlobId? Snapshot, CopyResult? Result, ForgetResult? Rotation, string? Error)
{
    public bool Failed => Error is not null;

    /// <summary>One line for the CLI and the journal: <c>/mnt/usb: copied as 3e7d4c4a</c>, <c>/mnt/usb: failed: ...</c>, <c>/mnt/usb: up to date</c> (<c>coffre copy</c>).</summary>
    public override string ToString() => Error is { } e ? $"{Location}: failed: {e}"
        : Snapshot is { } s ? $"{Location}: copied as {s.ToShortString()}" : $"{Location}: up to date";
}
