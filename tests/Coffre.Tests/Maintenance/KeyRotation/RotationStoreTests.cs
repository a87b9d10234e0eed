using System.Text;
using Coffre.Maintenance.KeyRotation;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Storage.Memory;

namespace Coffre.Tests.Maintenance.KeyRotation;

public sealed class RotationStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "coffre-rotation-store-" + Guid.NewGuid().ToString("N"));

    public RotationStoreTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void JournalKeepsWholeLinesAndIgnoresATornLastOne()
    {
        var store = RotationStore.For(new LocalBackend(_root));
        store.CreateEmpty();
        BlobId a = BlobId.Hash("a"u8), b = BlobId.Hash("b"u8), c = BlobId.Hash("c"u8), d = BlobId.Hash("d"u8);
        store.AppendJournal(a, b);
        store.AppendJournal(c, d);
        File.AppendAllText(Path.Combine(store.Folder, "packs"), $"{a} {c.ToString()[..20]}", Encoding.ASCII); // a crash mid-append
        var journal = store.ReadJournal();
        Assert.Equal(2, journal.Count);
        Assert.Equal(b, journal[a]);
        Assert.Equal(d, journal[c]);
    }

    [Fact]
    public void JournalIsReadableByTheOwnerOnly()
    {
        var store = RotationStore.For(new LocalBackend(_root));
        store.CreateEmpty();
        store.AppendJournal(BlobId.Hash("a"u8), BlobId.Hash("b"u8));
        var mode = File.GetUnixFileMode(Path.Combine(store.Folder, "packs"));
        Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    [Fact]
    public async Task APendingRotationBlocksOtherCommandsWithExitCode11()
    {
        var backend = new LocalBackend(_root);
        RotationStore.ThrowIfPending(backend); // nothing yet
        var store = RotationStore.For(backend);
        store.CreateEmpty();
        RotationStore.ThrowIfPending(backend); // a folder without "started" is an attempt that never began
        await store.MarkStartedAsync(default);
        var e = Assert.Throws<CoffreException>(() => RotationStore.ThrowIfPending(backend));
        Assert.Equal(ExitCodes.Locked, e.ExitCode);
        Assert.Contains("rotate-master", e.Message, StringComparison.Ordinal);
        store.Delete();
        RotationStore.ThrowIfPending(backend);
        Assert.False(store.Exists);
    }

    [Fact]
    public async Task AWrappedLocalBackendKeepsThePendingRotationGuard()
    {
        var wrapped = new NotifyingBackend(new LocalBackend(_root), _ => { });
        var store = RotationStore.For(wrapped);
        store.CreateEmpty();
        await store.MarkStartedAsync(default);
        var e = Assert.Throws<CoffreException>(() => RotationStore.ThrowIfPending(wrapped));
        Assert.Equal(ExitCodes.Locked, e.ExitCode);
    }

    [Fact]
    public void RotationNeedsALocalRepository() =>
        Assert.Throws<CoffreException>(() => RotationStore.For(new MemoryBackend()));
}
