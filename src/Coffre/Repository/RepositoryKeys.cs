using System.Security.Cryptography;
using Coffre.Chunking;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>Opening a repository: which key files to try, in what order, and the config they unlock.</summary>
internal static class RepositoryKeys
{
    /// <summary>restic tries at most this many key files before giving up.</summary>
    private const int MaxKeysTried = 20;

    /// <summary>
    /// The one key derivation of an open: tries the key files (see <see cref="KeysToTryAsync"/>), then reads and
    /// checks the config with the master key found. Does not look at a pending key rotation (the callers do).
    /// </summary>
    internal static async Task<(CryptoKey Key, RepositoryConfig Config, string KeyName)> UnlockAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"no repository at {backend.Location}: check the path, or create one with 'coffre init'", ExitCodes.NoRepository);
        // A recovery code typed in lower case or without dashes is also tried in its printed form, on recovery keys only.
        var recoveryForm = RecoveryCode.AlternativeFor(password.Span);
        var refused = new List<string>();
        foreach (var (name, keyFile) in await KeysToTryAsync(backend, RecoveryCode.LooksLike(password.Span), refused, ct).ConfigureAwait(false))
        {
            var master = keyFile.TryUnlock(password.Span, ct);
            if (master is null && recoveryForm is not null && RecoveryCode.IsRecoveryKey(keyFile)) master = keyFile.TryUnlock(recoveryForm, ct);
            // scrypt just used 32 MiB (128 * N * r bytes) that nothing needs any more: the coffre command gives it
            // back now, so the work that follows reuses that memory instead of adding to the process's peak.
            MemoryReturn.AfterLargeRelease();
            if (master is null) continue;
            var sealedConfig = await backend.LoadAsync(StorageHandle.Config, ct).ConfigureAwait(false);
            byte[] plain;
            try { plain = master.Open(sealedConfig); }
            catch (CryptographicException) { throw new CoffreException("the repository config fails its MAC check: it is damaged or was written with another key"); }
            var config = RepositoryConfig.Parse(plain);
            if (!new Polynomial(config.ChunkerPolynomial).IsIrreducible())
                throw new CoffreException("the repository config has a reducible chunker polynomial: it is damaged");
            return (master, config, name);
        }
        var skipped = refused.Count == 0 ? "" : $" ({string.Join("; ", refused.Take(3))}{(refused.Count > 3 ? $"; {refused.Count - 3} more" : "")})";
        throw new CoffreException($"wrong password or no key found: no key file of the repository opens with this password{skipped}", ExitCodes.WrongPassword);
    }

    /// <summary>Unusable key files looked at before giving up (a hostile repository could hold thousands).</summary>
    private const int MaxKeyFilesRefused = 100;

    /// <summary>A key file is a few hundred bytes; a larger one is not read (it could be made to fill the memory).</summary>
    private const long MaxKeyFileSize = 64 * 1024;

    /// <summary>
    /// The key files to try (at most 20, like restic), each costing one scrypt: recovery keys last, unless the
    /// password reads as a recovery code, then first; within each group the cheapest first, so that a key file
    /// asking for much work (hostile, or made with other parameters) is only tried after the usual ones. Key files
    /// that cannot be read or ask for more than <see cref="KeyDerivation.MaxCost"/> are named in
    /// <paramref name="refused"/> and skipped.
    /// </summary>
    private static async Task<List<(string Name, KeyFile KeyFile)>> KeysToTryAsync(IStorageBackend backend, bool recoveryFirst, List<string> refused, CancellationToken ct)
    {
        var keys = new List<(string Name, KeyFile KeyFile)>();
        await foreach (var entry in backend.ListAsync(FileType.Key, ct).ConfigureAwait(false))
        {
            if (keys.Count >= MaxKeysTried || refused.Count >= MaxKeyFilesRefused) break;
            var label = $"key file {entry.Name[..Math.Min(8, entry.Name.Length)]}";
            if (entry.Size > MaxKeyFileSize)
            {
                refused.Add($"{label}: {entry.Size} bytes, not a key file");
                continue;
            }
            try { keys.Add((entry.Name, KeyFile.Parse(await backend.LoadAsync(new StorageHandle(FileType.Key, entry.Name), ct).ConfigureAwait(false)))); }
            catch (InvalidDataException e) { refused.Add($"{label}: {e.Message.Replace("key file: ", "", StringComparison.Ordinal)}"); }
        }
        return InTryingOrder(keys, recoveryFirst);
    }

    /// <summary>Recovery keys last (first when the password reads as a recovery code), then the cheapest scrypt first.</summary>
    internal static List<(string Name, KeyFile KeyFile)> InTryingOrder(IEnumerable<(string Name, KeyFile KeyFile)> keys, bool recoveryFirst) =>
        [.. keys.OrderBy(k => RecoveryCode.IsRecoveryKey(k.KeyFile) != recoveryFirst).ThenBy(k => KeyDerivation.Cost(k.KeyFile.N, k.KeyFile.R, k.KeyFile.P))];
}
