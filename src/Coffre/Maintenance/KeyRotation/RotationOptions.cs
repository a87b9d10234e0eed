namespace Coffre.Maintenance.KeyRotation;

/// <summary>What a master-key rotation keeps of the old keys.</summary>
/// <param name="OtherPasswords">Passwords of other key files to carry over (each re-wrapped under the new master key), with a label for messages (e.g. the file they came from).</param>
/// <param name="RemoveOtherKeys">Drop the key files whose password was not given instead of refusing.</param>
/// <param name="NewRecoveryKey">Make a new recovery code when no recovery key is carried over.</param>
public sealed record RotationOptions(IReadOnlyList<(string Label, byte[] Password)> OtherPasswords, bool RemoveOtherKeys, bool NewRecoveryKey = true)
{
    public static RotationOptions Default { get; } = new([], RemoveOtherKeys: false);
}

/// <summary>The steps a rotation reports, in order; the switch steps are the ones that change the live repository.</summary>
public enum RotationStep
{
    KeysPrepared,
    PackReencrypted,
    PacksVerified,
    SnapshotsPrepared,
    IndexPrepared,
    Prepared,
    SwitchKeysAdded,
    SwitchConfigReplaced,
    SwitchOldKeysRemoved,
    SwitchIndexReplaced,
    SwitchSnapshotsReplaced,
    SwitchLocksRemoved,
    SwitchOldPacksRemoved,
}

/// <summary>Progress of a rotation: a step and, for steps over many objects, how far it is.</summary>
public readonly record struct RotationProgress(RotationStep Step, long Done, long Total);

/// <summary>What a finished rotation did.</summary>
/// <param name="RecoveryCode">The new recovery code (shown once), or null when none was made.</param>
/// <param name="Resumed">This run finished a rotation an earlier run had started.</param>
public sealed record RotationResult(
    IReadOnlyList<string> KeysWritten,
    IReadOnlyList<string> KeysRemoved,
    string? RecoveryCode,
    int Packs,
    int Snapshots,
    int IndexFiles,
    int UnreferencedPacksRemoved,
    bool Resumed);
