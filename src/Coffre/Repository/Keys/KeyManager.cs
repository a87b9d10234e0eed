using System.Security.Cryptography;
using Coffre.Repository.Crypto;
using Coffre.Storage;

namespace Coffre.Repository.Keys;

/// <summary>
/// The key files of an opened repository, as restic's <c>key</c> command manages them: list, add (a password for
/// the same master key), remove, change the current password. Every new key file is read back and opened before
/// anything is removed, so a repository always keeps a key that opens it.
/// </summary>
public static class KeyManager
{
    /// <summary>Every key file that can be read, oldest first; unreadable files are named in <paramref name="damaged"/>.</summary>
    public static async Task<List<KeyInfo>> ListAsync(Repository repo, CancellationToken ct, List<string>? damaged = null)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var list = new List<KeyInfo>();
        foreach (var (id, keyFile) in await LoadAllAsync(repo.Backend, ct, damaged).ConfigureAwait(false))
            list.Add(KeyInfo.From(id, keyFile, repo.KeyName));
        list.Sort((a, b) => a.Created.ToDateTimeOffset().CompareTo(b.Created.ToDateTimeOffset()));
        return list;
    }

    /// <summary>Adds a key file for <paramref name="newPassword"/> wrapping the repository's master key.</summary>
    public static async Task<KeyInfo> AddAsync(Repository repo, ReadOnlyMemory<byte> newPassword, string username, string hostname, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(clock);
        if (newPassword.IsEmpty) throw new CoffreException("an empty password is not allowed");
        var keyFile = KeyFile.Create(newPassword.Span, repo.Key, username, hostname, clock.GetUtcNow());
        var id = await Repository.SaveKeyFileAsync(repo.Backend, keyFile, ct).ConfigureAwait(false);
        await VerifyAsync(repo, id, newPassword, ct).ConfigureAwait(false);
        return KeyInfo.From(id, keyFile, repo.KeyName);
    }

    /// <summary>Adds a recovery key: a fresh <see cref="RecoveryCode"/> (returned, shown once) as the password of its own key file.</summary>
    public static async Task<(KeyInfo Key, string Code)> AddRecoveryAsync(Repository repo, TimeProvider clock, CancellationToken ct)
    {
        var code = RecoveryCode.Generate();
        var key = await AddAsync(repo, System.Text.Encoding.ASCII.GetBytes(code), RecoveryCode.Username, RecoveryCode.Hostname, clock, ct).ConfigureAwait(false);
        return (key, code);
    }

    /// <summary>
    /// Removes the key file whose ID starts with <paramref name="idPrefix"/>. Refused for the only key, and for
    /// the key in use unless <paramref name="allowCurrent"/>.
    /// </summary>
    public static async Task<KeyInfo> RemoveAsync(Repository repo, string idPrefix, bool allowCurrent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var keys = await ListAsync(repo, ct).ConfigureAwait(false);
        var key = Find(keys, idPrefix);
        if (keys.Count == 1)
            throw new CoffreException($"key {key.ShortId} is the only key of the repository: removing it would lock everyone out; add another key first ('coffre key add')");
        if (key.IsCurrent && !allowCurrent)
            throw new CoffreException($"key {key.ShortId} is the key in use (it opened the repository with this password); use another password to remove it, or --force");
        await repo.Backend.RemoveAsync(new StorageHandle(FileType.Key, key.Id), ct).ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// restic's <c>key passwd</c>: adds a key for <paramref name="newPassword"/>, opens it to be sure, then removes
    /// the key in use. Refused when the key in use is a recovery key (add a key instead: the code stays valid).
    /// </summary>
    public static async Task<(KeyInfo Added, KeyInfo Removed)> ChangePasswordAsync(Repository repo, ReadOnlyMemory<byte> newPassword, string username, string hostname,
                                                                                   TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var keys = await ListAsync(repo, ct).ConfigureAwait(false);
        var current = keys.Find(k => k.IsCurrent) ?? throw new CoffreException("the key in use is no longer in the repository; run 'coffre key list'");
        if (current.IsRecovery)
            throw new CoffreException("the repository was opened with the recovery code: use 'coffre key add' to set a new password (the recovery code stays valid)");
        var added = await AddAsync(repo, newPassword, username, hostname, clock, ct).ConfigureAwait(false);
        await repo.Backend.RemoveAsync(new StorageHandle(FileType.Key, current.Id), ct).ConfigureAwait(false);
        return (added, current);
    }

    /// <summary>The key with this ID or unique ID prefix.</summary>
    public static KeyInfo Find(IReadOnlyList<KeyInfo> keys, string idPrefix)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(idPrefix);
        var matches = idPrefix.Length == 0 ? [] : keys.Where(k => k.Id.StartsWith(idPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException($"no key with ID {idPrefix}: see 'coffre key list'"),
            _ => throw new CoffreException($"key ID prefix {idPrefix} is ambiguous: give more characters"),
        };
    }

    /// <summary>Every parseable key file with its ID; damaged ones are named in <paramref name="damaged"/>.</summary>
    internal static async Task<List<(string Id, KeyFile KeyFile)>> LoadAllAsync(IStorageBackend backend, CancellationToken ct, List<string>? damaged = null)
    {
        var list = new List<(string, KeyFile)>();
        await foreach (var e in backend.ListAsync(FileType.Key, ct).ConfigureAwait(false))
        {
            try { list.Add((e.Name, KeyFile.Parse(await backend.LoadAsync(new StorageHandle(FileType.Key, e.Name), ct).ConfigureAwait(false)))); }
            catch (Exception ex) when (ex is InvalidDataException or StorageNotFoundException)
            {
                damaged?.Add($"key {e.Name[..8]} cannot be read: {ex.Message}");
            }
        }
        return list;
    }

    /// <summary>Whether two keys are the same key (constant time).</summary>
    internal static bool SameKey(CryptoKey a, CryptoKey b) =>
        CryptographicOperations.FixedTimeEquals(a.Encrypt, b.Encrypt)
        & CryptographicOperations.FixedTimeEquals(a.MacK, b.MacK)
        & CryptographicOperations.FixedTimeEquals(a.MacR, b.MacR);

    /// <summary>Reads a just-written key file back and opens it: it must give the repository's master key.</summary>
    private static async Task VerifyAsync(Repository repo, string id, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        var stored = KeyFile.Parse(await repo.Backend.LoadAsync(new StorageHandle(FileType.Key, id), ct).ConfigureAwait(false));
        var master = stored.TryUnlock(password.Span, ct);
        if (master is null || !SameKey(master, repo.Key))
        {
            try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Key, id), ct).ConfigureAwait(false); }
            catch (StorageNotFoundException) { }
            throw new CoffreException($"the new key file {id[..8]} does not open when read back (storage problem?); it was removed and nothing else changed");
        }
    }
}
