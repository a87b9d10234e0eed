using System.Reflection;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository;

/// <summary>A write session exists only with its lock, and its lock goes when it is disposed, also after a failure.</summary>
public class RepositoryWriteSessionTests
{
    [Fact]
    public void A_session_cannot_be_made_except_by_taking_the_lock()
    {
        var constructors = typeof(RepositoryWriteSession).GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.All(constructors, c => Assert.True(c.IsPrivate, "a constructor other than the private one"));
        var factories = typeof(RepositoryWriteSession).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Task<RepositoryWriteSession>)).ToList();
        var only = Assert.Single(factories);
        Assert.False(only.IsPublic); // reached through Repository.BeginWriteAsync only
    }

    [Fact]
    public async Task The_lock_is_held_while_the_session_lasts_and_removed_on_dispose()
    {
        var (backend, repo) = await NewAsync();
        var session = await repo.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default);
        Assert.Equal(1, await LocksAsync(backend));
        Assert.True(session.IsOpen);

        await session.DisposeAsync();
        await session.DisposeAsync(); // twice is harmless

        Assert.Equal(0, await LocksAsync(backend));
        Assert.False(session.IsOpen);
    }

    [Fact]
    public async Task The_lock_is_removed_when_the_work_in_the_session_fails()
    {
        var (backend, repo) = await NewAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var session = await repo.BeginWriteAsync(LockMode.Exclusive, TimeProvider.System, default);
            Assert.Equal(1, await LocksAsync(backend));
            throw new InvalidOperationException("the work failed");
        });

        Assert.Equal(0, await LocksAsync(backend));
    }

    [Fact]
    public async Task No_session_exists_while_another_holds_the_lock_exclusively()
    {
        var (backend, repo) = await NewAsync();
        await using var exclusive = await repo.BeginWriteAsync(LockMode.Exclusive, TimeProvider.System, default);

        var e = await Assert.ThrowsAsync<CoffreException>(() => repo.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default));

        Assert.Equal(ExitCodes.Locked, e.ExitCode);
        Assert.Equal(1, await LocksAsync(backend)); // the refused one left nothing behind
    }

    [Fact]
    public async Task Shared_sessions_coexist_and_an_exclusive_one_waits_for_none_of_them()
    {
        var (backend, repo) = await NewAsync();
        await using var first = await repo.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default);
        await using var second = await repo.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default);
        Assert.Equal(2, await LocksAsync(backend));

        var e = await Assert.ThrowsAsync<CoffreException>(() => repo.BeginWriteAsync(LockMode.Exclusive, TimeProvider.System, default));
        Assert.Equal(ExitCodes.Locked, e.ExitCode);
    }

    private static async Task<(IStorageBackend Backend, Repo Repo)> NewAsync()
    {
        var backend = new MemoryBackend();
        return (backend, await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default));
    }

    private static async Task<int> LocksAsync(IStorageBackend backend)
    {
        var n = 0;
        await foreach (var _ in backend.ListAsync(FileType.Lock, default)) n++;
        return n;
    }
}
