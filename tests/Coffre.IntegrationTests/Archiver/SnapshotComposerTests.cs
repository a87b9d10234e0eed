using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Archiver;

/// <summary>
/// An application snapshot composed of a media folder, a dump stream and a small file: the layout restic
/// restores, unchanged media not read again the next day, and a failing stream leaving no snapshot.
/// </summary>
public class SnapshotComposerTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(TestPasswords.Default);

    [Fact]
    public async Task Composed_snapshot_has_the_application_layout_and_restic_restores_it()
    {
        using var dir = new TestDirectory("compose");
        var media = dir.CreateSub("site/media");
        Directory.CreateDirectory(Path.Combine(media, "uploads"));
        Directory.CreateDirectory(Path.Combine(media, "cache"));
        await File.WriteAllTextAsync(Path.Combine(media, "uploads", "a.txt"), "photo a");
        await File.WriteAllTextAsync(Path.Combine(media, "cache", "tmp.bin"), "cache");
        var dump = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(dump);
        var repo = await Repository.Repository.InitAsync(new LocalBackend(dir.Sub("repo")), Password, TimeProvider.System, default);

        BackupResult first;
        await using (var c = await SnapshotComposer.StartAsync(repo, TimeProvider.System, new ComposeOptions { Tags = ["coffre", "app:shop"] }, new BackupProgress(), default))
        {
            await c.AddFolderAsync("media/media", media, ["cache"], default);
            Assert.Equal(dump.Length, await c.AddStreamAsync("database/main.pgdump", new MemoryStream(dump), default));
            await c.AddBytesAsync("metadata.json", "{\"status\":\"complete\"}"u8.ToArray(), default);
            first = await c.CommitAsync([media], default);
        }
        Assert.True(first.Complete);

        var restic = new ResticRunner(dir.Sub("repo"));
        restic.AssertCheckReadData();
        restic.Ok("restore", "latest", "--target", dir.Sub("out"));
        Assert.Equal(dump, await File.ReadAllBytesAsync(dir.Sub("out/database/main.pgdump")));
        Assert.Equal("photo a", await File.ReadAllTextAsync(dir.Sub("out/media/media/uploads/a.txt")));
        Assert.False(Directory.Exists(dir.Sub("out/media/media/cache")));
        Assert.Equal("{\"status\":\"complete\"}", await File.ReadAllTextAsync(dir.Sub("out/metadata.json")));

        // The next day: same media, the parent snapshot lets the media file go unread.
        await repo.LoadIndexAsync(default);
        await using (var c = await SnapshotComposer.StartAsync(repo, TimeProvider.System,
            new ComposeOptions { Tags = ["coffre", "app:shop"], ParentFilter = s => s.Tags?.Contains("app:shop") == true }, new BackupProgress(), default))
        {
            await c.AddFolderAsync("media/media", media, ["cache"], default);
            await c.AddStreamAsync("database/main.pgdump", new MemoryStream(dump), default);
            var second = await c.CommitAsync([media], default);
            Assert.Equal(first.SnapshotId, second.ParentId);
            Assert.Equal(1ul, second.Summary.FilesUnmodified);
            Assert.Equal(0ul, second.Summary.DataBlobs);
        }
        restic.AssertCheckReadData();
    }

    [Fact]
    public async Task A_stream_that_fails_leaves_no_snapshot()
    {
        using var dir = new TestDirectory("compose-fail");
        var repo = await Repository.Repository.InitAsync(new LocalBackend(dir.Sub("repo")), Password, TimeProvider.System, default);
        await using (var c = await SnapshotComposer.StartAsync(repo, TimeProvider.System, new ComposeOptions(), new BackupProgress(), default))
        {
            await Assert.ThrowsAsync<CoffreException>(() => c.AddStreamAsync("database/main.pgdump", new FailingStream(), default));
        }
        Assert.Empty(await repo.LoadSnapshotsAsync(default));
        Assert.Empty(Directory.GetFiles(dir.Sub("repo"), "*tmp*", SearchOption.AllDirectories));
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 2) throw new IOException("pg_dump: error: connection to server lost");
            Array.Fill(buffer, (byte)7, offset, count);
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
