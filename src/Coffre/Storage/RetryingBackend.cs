using System.Runtime.CompilerServices;

namespace Coffre.Storage;

/// <summary>
/// Retries calls that fail with <see cref="TransientStorageException"/>, with backoff (<see cref="RetryPolicy"/>),
/// until the policy's budget is spent; every other failure, and cancellation, goes straight to the caller.
/// A save retried after a transient failure first asks whether the object arrived after all (the reply may be what
/// was lost): there with the same size counts as stored. A remove retried finds nothing: that counts as removed.
/// A listing is retried only if it failed before yielding anything (the caller has seen no entry twice).
/// </summary>
public sealed class RetryingBackend(IStorageBackend inner, RetryPolicy policy, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> delay) : IStorageBackend
{
    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;

    /// <summary>Transient failures met so far (retried or not), for reports and tests.</summary>
    public int TransientFailures => _failures;
    private int _failures;

    private async Task<T> RetryAsync<T>(string what, Func<int, Task<T>> call, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(attempt).ConfigureAwait(false);
            }
            catch (TransientStorageException e) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                var wait = policy.DelayBefore(attempt, Random.Shared.NextDouble());
                if (clock.GetElapsedTime(started) + wait > policy.Budget)
                    throw new IOException(
                        $"{what} at {inner.Location} failed {attempt} time(s) over {Format(clock.GetElapsedTime(started))}, the last time with: {e.Message}; "
                        + "check the connection to the repository and run the command again", e);
                await delay(wait, ct).ConfigureAwait(false);
            }
        }
    }

    private static string Format(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0.#} s";

    private Task RetryAsync(string what, Func<int, Task> call, CancellationToken ct) =>
        RetryAsync(what, async attempt => { await call(attempt).ConfigureAwait(false); return 0; }, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    public Task<bool> ExistsAsync(CancellationToken ct) => RetryAsync("checking the repository", _ => inner.ExistsAsync(ct), ct);
    public Task CreateAsync(CancellationToken ct) => RetryAsync("creating the repository", _ => inner.CreateAsync(ct), ct);

    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RetryAsync($"saving {handle}", async attempt =>
        {
            if (attempt > 1 && await inner.StatAsync(handle, ct).ConfigureAwait(false) is { } size)
            {
                if (size == source.Length) return;
                throw new IOException($"{handle} is in {inner.Location} with {size} bytes instead of {source.Length} after an interrupted save: run 'coffre check'");
            }
            await inner.SaveAsync(handle, source, ct).ConfigureAwait(false);
        }, ct);
    }

    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => RetryAsync($"reading {handle}", _ => inner.LoadAsync(handle, ct), ct);

    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) =>
        RetryAsync($"reading {handle}", _ => inner.ReadAtAsync(handle, offset, buffer, ct), ct);

    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => RetryAsync($"reading {handle}", _ => inner.OpenReadAsync(handle, ct), ct);
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => RetryAsync($"looking up {handle}", _ => inner.StatAsync(handle, ct), ct);

    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => RetryAsync($"removing {handle}", async attempt =>
    {
        try { await inner.RemoveAsync(handle, ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) when (attempt > 1) { } // the earlier attempt removed it; only its reply was lost
    }, ct);

    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => RetryAsync("removing leftovers", _ => inner.RemoveLeftoversAsync(ct), ct);
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => RetryAsync("asking for the free space", _ => inner.CapacityAsync(ct), ct);

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var enumerator = inner.ListAsync(type, ct).GetAsyncEnumerator(ct);
            var yielded = false;
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (TransientStorageException e) when (!yielded && !ct.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _failures);
                        var wait = policy.DelayBefore(attempt, Random.Shared.NextDouble());
                        if (clock.GetElapsedTime(started) + wait > policy.Budget)
                            throw new IOException($"listing {type} at {inner.Location} failed {attempt} time(s), the last time with: {e.Message}; check the connection to the repository and run the command again", e);
                        await delay(wait, ct).ConfigureAwait(false);
                        break;
                    }
                    if (!more) yield break;
                    yielded = true;
                    yield return enumerator.Current;
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
