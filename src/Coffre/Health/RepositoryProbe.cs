using Coffre.Repository.Index;
using Coffre.Repository.Locking;
using Coffre.Storage;

namespace Coffre.Health;

/// <summary>
/// Opens the repository the way a backup would (its key with the configured password; no index), then looks at its
/// locks and at the damage this machine has proven in it. Costs one key derivation (scrypt): hosts that ask often
/// remember the result for a while.
/// </summary>
public static class RepositoryProbe
{
    /// <summary>A non-exclusive lock this old is a backup that runs long, or one that hangs.</summary>
    public static readonly TimeSpan LongHeld = TimeSpan.FromHours(6);

    /// <param name="password">Reads the password (may throw a <see cref="CoffreException"/>: variable missing, file unreadable...).</param>
    /// <param name="suffix">What the fix commands need to reach this repository (<see cref="HealthInputs.CommandSuffix"/>).</param>
    /// <param name="credentials">coffre.json's <c>repository.credentials</c>, added to the process environment the backend is opened with.</param>
    /// <param name="open">Opens the repository (default: with the password, a key derivation); a service passes its open read session.</param>
    public static async Task<RepositoryHealth> ProbeAsync(string location, Func<ReadOnlyMemory<byte>> password, TimeProvider clock, string suffix, CancellationToken ct,
        IReadOnlyDictionary<string, Configuration.CredentialSource>? credentials = null, Func<CancellationToken, Task<Repository.Repository>>? open = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(clock);
        var at = clock.GetUtcNow();
        RepositoryHealth Failed(HealthFinding f) => new(false, [f], [], []) { At = at };
        // Opened as given (a URL may carry its credentials); named in findings with any password masked.
        var given = location;
        try { location = RepositoryLocation.Canonical(given); }
        catch (CoffreException) { } // unreadable: the opener below says why
        IStorageBackend backend;
        try
        {
            backend = BackendOpener.Open(given, Configuration.BackendCredentials.Apply(BackendOpener.ProcessEnvironment(), credentials, "repository"));
            if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
                return Failed(HealthFinding.Failing("repository-missing",
                    RepositoryLocation.Parse(location).IsLocal && Directory.Exists(location) ? $"the repository folder {location} holds no repository (no config file): a disk not mounted, or never initialised" : $"there is no repository at {location}",
                    $"mount the disk that holds it, fix repository.path, or create it with 'coffre init{suffix}'"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CoffreException)
        {
            return Failed(Unreachable(location, e.Message));
        }

        ReadOnlyMemory<byte> secret;
        try { secret = password(); }
        catch (CoffreException e)
        {
            return Failed(HealthFinding.Failing("password-unavailable", $"the repository password cannot be read: {e.Message}", "fix repository.passwordEnv/passwordFile/passwordCommand (docs/configuration.md)"));
        }

        Repository.Repository repo;
        try { repo = open is null ? await Repository.Repository.OpenAsync(backend, secret, ct).ConfigureAwait(false) : await open(ct).ConfigureAwait(false); }
        catch (CoffreException e) when (e.ExitCode == ExitCodes.WrongPassword)
        {
            return Failed(HealthFinding.Failing("wrong-password", $"no key of the repository {location} opens with the password given (repository.password…, --password-file or COFFRE_PASSWORD)",
                "give the right password (repository.passwordEnv/passwordFile), or use the recovery code with 'coffre key add' (docs/keys.md)"));
        }
        catch (CoffreException e) when (e.ExitCode == ExitCodes.Locked)
        {
            return Failed(HealthFinding.Failing("rotation-pending", e.Message, "coffre key rotate-master" + suffix + " (docs/rotation.md)"));
        }
        catch (Exception e) when (e is CoffreException or IOException or UnauthorizedAccessException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            return Failed(Unreachable(location, FailureMessage.Describe(e, false).Message));
        }

        IReadOnlyList<HealthFinding> locks, damage;
        try { locks = await LocksAsync(repo, clock, suffix, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageNotFoundException)
        {
            locks = [Unreachable(location, "its locks cannot be listed: " + e.Message)];
        }
        damage = Damage(repo.Damage, suffix);
        return new RepositoryHealth(true, [], locks, damage) { At = at };
    }

    private static HealthFinding Unreachable(string location, string why) =>
        HealthFinding.Failing("repository-unreachable", $"the repository {location} cannot be read: {why}", "check the disk, the mount and the permissions of the repository folder");

    private static async Task<IReadOnlyList<HealthFinding>> LocksAsync(Repository.Repository repo, TimeProvider clock, string suffix, CancellationToken ct)
    {
        var findings = new List<HealthFinding>();
        var now = clock.GetUtcNow();
        foreach (var (_, info) in await RepositoryLock.ListAsync(repo, ct).ConfigureAwait(false))
        {
            var who = $"{(info.Exclusive ? "an exclusive" : "a")} lock of {info.Username}@{info.Hostname} (pid {info.Pid}) written {HistoryRules.When(info.Time.ToDateTimeOffset())}";
            if (RepositoryLock.IsStale(info, clock))
                findings.Add(HealthFinding.Attention("lock-stale", $"{who} is stale (its process is gone or it was not refreshed for 30 minutes)",
                    $"coffre unlock{suffix} (removes stale locks only)"));
            else if (info.Exclusive)
                findings.Add(HealthFinding.Attention("lock-held", $"{who} is held: backups wait for it and then fail",
                    "let the maintenance end (prune, repair); if that process is gone, it turns stale and 'coffre unlock' removes it"));
            else if (now - info.Time.ToDateTimeOffset() > LongHeld)
                findings.Add(HealthFinding.Attention("lock-held", $"{who} is held for more than {LongHeld.TotalHours:0} hours", "see what that process is doing (ps, coffre log)"));
        }
        return findings;
    }

    private static IReadOnlyList<HealthFinding> Damage(DamageLedger ledger, string suffix)
    {
        var proofs = ledger.Proofs;
        if (proofs.Count == 0) return [];
        var packs = proofs.Select(p => p.Pack).Distinct(StringComparer.Ordinal).ToList();
        var first = proofs.MinBy(p => p.At)!;
        var snapshots = ledger.DamagedSnapshots;
        var backups = snapshots.Count == 0 ? "" : $"; {snapshots.Count} backup(s) cannot be fully restored";
        return [HealthFinding.Failing("damaged-packs",
            $"{packs.Count} damaged pack(s) known since {HistoryRules.When(first.At)} (found by {first.FoundBy}: {first.Reason}){backups}",
            $"coffre check --read-data{suffix}, then 'coffre repair index' / 'coffre repair packs {packs[0][..Math.Min(8, packs[0].Length)]}' (docs/repair.md); the next backup stores that data again")];
    }
}
