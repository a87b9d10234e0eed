using Coffre.Repository.Keys;

namespace Coffre.Maintenance.KeyRotation;

/// <summary>One old key file carried over: it gets a new key file with the same password, user, host and creation time.</summary>
internal sealed record CarriedKey(string OldId, KeyFile Old, byte[] Password);

/// <summary>
/// Which key files survive a rotation. A key file can only be re-wrapped by someone who knows its password: the
/// key in use is carried over, other keys only when their password is given; the others are dropped, which needs
/// an explicit yes (<see cref="RotationOptions.RemoveOtherKeys"/>). An old recovery key is replaced by a new code
/// unless its code was given.
/// </summary>
internal sealed record RotationKeyPlan(IReadOnlyList<CarriedKey> Carried, bool MakeRecoveryKey)
{
    public static async Task<RotationKeyPlan> BuildAsync(Repository.Repository repo, ReadOnlyMemory<byte> password, RotationOptions options, CancellationToken ct)
    {
        var all = await KeyManager.LoadAllAsync(repo.Backend, ct).ConfigureAwait(false);
        var current = all.Find(k => k.Id == repo.KeyName);
        if (current.KeyFile is null) throw new CoffreException("the key in use is no longer in the repository; run the command again");
        var carried = new List<CarriedKey> { new(current.Id, current.KeyFile, EffectivePassword(current.KeyFile, password.ToArray())) };
        var remaining = all.Where(k => k.Id != current.Id).ToList();
        foreach (var (label, other) in options.OtherPasswords)
        {
            var match = remaining.FindIndex(k => Opens(k.KeyFile, other, repo));
            if (match < 0) throw new CoffreException($"the password from {label} opens no other key of this repository", ExitCodes.WrongPassword);
            var (id, file) = remaining[match];
            carried.Add(new CarriedKey(id, file, EffectivePassword(file, other)));
            remaining.RemoveAt(match);
        }
        var withoutPassword = remaining.Where(k => !RecoveryCode.IsRecoveryKey(k.KeyFile)).ToList();
        if (withoutPassword.Count > 0 && !options.RemoveOtherKeys)
            throw new CoffreException(
                $"{withoutPassword.Count} other key(s) cannot be carried over without their password ({string.Join(", ", withoutPassword.Select(k => Label(k.Id, k.KeyFile)))}): "
                + "give each with --other-password-file FILE, or drop them with --remove-other-keys");
        var makeRecovery = options.NewRecoveryKey && !carried.Any(c => RecoveryCode.IsRecoveryKey(c.Old));
        return new RotationKeyPlan(carried, makeRecovery);
    }

    public static string Label(string id, KeyFile file) => $"{id[..8]} ({file.Username}@{file.Hostname})";

    private static bool Opens(KeyFile file, byte[] password, Repository.Repository repo)
    {
        var master = file.TryUnlock(EffectivePassword(file, password));
        return master is not null && KeyManager.SameKey(master, repo.Key);
    }

    /// <summary>A recovery key's password is the code as printed: a code typed otherwise is put in that form.</summary>
    private static byte[] EffectivePassword(KeyFile file, byte[] password) =>
        RecoveryCode.IsRecoveryKey(file) && RecoveryCode.AlternativeFor(password) is { } canonical ? canonical : password;
}
