using System.Reflection;
using Coffre.Repository;
using Coffre.Repository.Locking;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository;

/// <summary>
/// A <see cref="RepositoryReader"/> cannot write: nothing on its public surface stores or removes an object, its
/// backend is a read-only view, and a reader opened as such is not a <see cref="Repo"/> underneath.
/// </summary>
public class RepositoryReaderTests
{
    private static readonly string[] WriteVerbs = ["Save", "Remove", "Delete", "Write", "Create", "Init", "Begin", "Acquire", "Forget", "Prune", "Repair", "Upload", "Store", "Put", "Unlock"];
    private static readonly Type[] WritingTypes = [typeof(IStorageBackend), typeof(Repo), typeof(RepositoryWriteSession), typeof(RepositoryLock), typeof(RepositoryWriter)];

    [Theory]
    [InlineData(typeof(RepositoryReader))]
    [InlineData(typeof(ReadOnlyStorage))]
    public void No_public_member_writes_or_hands_out_something_that_does(Type type)
    {
        var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.DeclaringType != typeof(object)).ToList();
        Assert.NotEmpty(members);
        foreach (var m in members)
        {
            Assert.False(WriteVerbs.Any(v => m.Name.StartsWith(v, StringComparison.Ordinal) || m.Name.StartsWith("set_", StringComparison.Ordinal) && m.Name != "set_Activity"),
                $"{type.Name}.{m.Name} looks like a write");
            var exposed = m switch
            {
                PropertyInfo p => p.PropertyType,
                MethodInfo mi => mi.ReturnType,
                FieldInfo f => f.FieldType,
                _ => typeof(void),
            };
            Assert.False(WritingTypes.Any(w => Mentions(exposed, w)), $"{type.Name}.{m.Name} hands out a {exposed.Name}");
        }
    }

    [Fact]
    public void The_read_only_backend_has_none_of_the_write_methods_of_a_backend()
    {
        var writes = new[] { nameof(IStorageBackend.SaveAsync), nameof(IStorageBackend.RemoveAsync), nameof(IStorageBackend.RemoveLeftoversAsync), nameof(IStorageBackend.CreateAsync) };
        var names = typeof(ReadOnlyStorage).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        foreach (var w in writes) Assert.DoesNotContain(w, names);
        Assert.False(typeof(IStorageBackend).IsAssignableFrom(typeof(ReadOnlyStorage)));
        Assert.Empty(typeof(ReadOnlyStorage).GetFields(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void A_reader_is_not_a_repository_that_writes()
    {
        Assert.False(typeof(Repo).IsAssignableFrom(typeof(RepositoryReader)));
        Assert.True(typeof(RepositoryReader).IsAssignableFrom(typeof(Repo))); // a writer may be handed to read-only work
        Assert.Empty(typeof(RepositoryReader).GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public async Task A_reader_opened_as_such_reads_everything_and_writes_nothing()
    {
        var memory = new MemoryBackend();
        var written = await Repo.InitAsync(memory, "pw"u8.ToArray(), TimeProvider.System, default);
        await using (var session = await written.BeginWriteAsync(LockMode.Shared, TimeProvider.System, default))
            await session.Repository.SaveJsonAsync(FileType.Snapshot, SampleSnapshot, default);
        var counting = new CountingBackend(memory);

        var reader = await RepositoryReader.OpenAsync(counting, "pw"u8.ToArray(), default);
        await reader.LoadIndexAsync(default);
        var snapshots = await reader.LoadSnapshotsAsync(default);

        Assert.Single(snapshots);
        Assert.IsNotType<Repo>(reader);
        Assert.Equal(0, counting.Writes);
        Assert.Equal(1, counting.Count("load", FileType.Config)); // one key derivation, one config read
    }

    private static readonly byte[] SampleSnapshot = System.Text.Encoding.UTF8.GetBytes(
        """{"time":"2026-12-07T10:00:00Z","tree":"0000000000000000000000000000000000000000000000000000000000000000","paths":["/x"],"hostname":"h","username":"u"}""");

    private static bool Mentions(Type exposed, Type writing) =>
        writing.IsAssignableFrom(exposed) || (exposed.IsGenericType && exposed.GetGenericArguments().Any(a => Mentions(a, writing)));
}
