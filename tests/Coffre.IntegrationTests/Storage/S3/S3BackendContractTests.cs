using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.S3;
using S3Location = Coffre.Storage.S3.S3Location;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// The shared backend contract (<see cref="StorageContractTests"/>) and what is S3's own, against the real Ceph RADOS
/// Gateway test.sh starts: each test in a prefix of its own.
/// </summary>
[ServerNeeded(typeof(S3FactAttribute))]
public sealed class S3BackendContractTests : StorageContractTests
{
    private readonly S3Location _location = S3TestServer.NewLocation("contract");
    private AmazonS3Client? _raw;

    /// <summary>The multipart threshold of the backend under test: 16 MiB, so multipart uploads stay a few parts long.</summary>
    private const long Threshold = 16L << 20;

    protected override IStorageBackend OpenEmpty()
    {
        var backend = S3TestServer.Open(_location);
        backend.MultipartBytes = Threshold;
        return backend;
    }
    private S3Backend S3 => (S3Backend)Backend;
    private AmazonS3Client Raw => _raw ??= S3TestServer.RawClient();
    private string Prefix => _location.Prefix + "/";

    public override void Dispose()
    {
        base.Dispose();
        _raw?.Dispose();
    }

    /// <summary>Writers racing to save one name: exactly one wins, the others are told it exists (If-None-Match on Ceph).</summary>
    [S3Fact]
    public async Task RacingSavesOfOneNameLeaveExactlyOneWinner()
    {
        await Backend.CreateAsync(default);
        var h = new StorageHandle(FileType.Snapshot, BlobId.Hash("race"u8).ToString());
        var contents = Enumerable.Range(0, 8).Select(i => Random(5000, 50 + i)).ToArray();
        var outcomes = await Task.WhenAll(contents.Select(async c =>
        {
            try { await Backend.SaveAsync(h, c, default); return c; }
            catch (IOException e) when (e.Message.Contains("already exists", StringComparison.Ordinal)) { return null; }
        }));
        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, await Backend.LoadAsync(h, default));
    }

    /// <summary>restic's layout under the prefix, byte for byte in the key names.</summary>
    [S3Fact]
    public async Task ObjectsAreLaidOutAsResticLaysThemOut()
    {
        await Backend.CreateAsync(default);
        var names = new Dictionary<FileType, string>();
        foreach (var t in new[] { FileType.Key, FileType.Snapshot, FileType.Index, FileType.Lock, FileType.Pack })
        {
            var data = Encoding.UTF8.GetBytes($"object of {t}");
            var h = Handle(t, data);
            names[t] = h.Name;
            await Backend.SaveAsync(h, data, default);
        }
        await Backend.SaveAsync(StorageHandle.Config, "config"u8.ToArray(), default);
        Assert.True(await Backend.ExistsAsync(default));
        var expected = new[]
        {
            "config",
            $"data/{names[FileType.Pack][..2]}/{names[FileType.Pack]}",
            $"index/{names[FileType.Index]}",
            $"keys/{names[FileType.Key]}",
            $"locks/{names[FileType.Lock]}",
            $"snapshots/{names[FileType.Snapshot]}",
        }.Select(k => Prefix + k).Order(StringComparer.Ordinal);
        Assert.Equal(expected, await S3TestServer.KeysAsync(Raw, Prefix));
    }

    [S3Fact]
    public async Task ListingSkipsNamesThatAreNotWellFormedAndOtherPrefixes()
    {
        await Backend.CreateAsync(default);
        var id = BlobId.Hash("x"u8).ToString();
        var other = BlobId.Hash("y"u8).ToString();
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}data/{id[..2]}/{id}", [1, 2]);
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}data/{(id[..2] == "00" ? "01" : "00")}/{other}", [3]); // wrong folder
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}data/{id}", [4]); // not in a XX folder
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}data/{id[..2]}/{id}.tmp", [5]);
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}snapshots/{id.ToUpperInvariant()}", [6]);
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}snapshots/{other}", [7, 8, 9]);
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}snapshots/sub/{id}", [10]);
        await S3TestServer.PutRawAsync(Raw, $"{Prefix}-sibling/snapshots/{id}", [11]); // a prefix that only starts like ours
        var packs = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Pack, default)) packs.Add(e);
        Assert.Equal([new StorageEntry(id, 2)], packs);
        var snapshots = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, default)) snapshots.Add(e);
        Assert.Equal([new StorageEntry(other, 3)], snapshots);
    }

    /// <summary>S3 answers a listing 1000 keys at a time: every page is read.</summary>
    [S3Fact]
    public async Task ListingFollowsEveryPage()
    {
        await Backend.CreateAsync(default);
        var ids = Enumerable.Range(0, 1203).Select(i => BlobId.Hash(BitConverter.GetBytes(i)).ToString()).ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (id, _) => await S3TestServer.PutRawAsync(Raw, $"{Prefix}locks/{id}", [1]));
        var listed = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Lock, default)) listed.Add(e.Name);
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    /// <summary>A pack larger than the multipart threshold goes up in parts, streamed from its file, and reads back whole.</summary>
    [S3Fact]
    public async Task LargePacksRoundTripThroughAMultipartUpload()
    {
        await Backend.CreateAsync(default);
        var length = (int)(Threshold * 2 + 12_345); // 5 parts of 8 MiB, the last short
        var data = Random(length, 2);
        var staging = Path.Combine(Path.GetTempPath(), $"coffre-s3-big-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(staging, data);
        var h = Handle(FileType.Pack, data);
        try { await Backend.SaveAsync(h, new StagedFileSource(staging, length), default); }
        finally { File.Delete(staging); }

        Assert.Equal(length, await Backend.StatAsync(h, default));
        await using (var s = await Backend.OpenReadAsync(h, default))
            Assert.Equal(SHA256.HashData(data), await SHA256.HashDataAsync(s));
        var across = new byte[100]; // spans the first part boundary
        Assert.Equal(100, await Backend.ReadAtAsync(h, S3Backend.MinPartSize - 50, across, default));
        Assert.Equal(data.AsSpan((int)S3Backend.MinPartSize - 50, 100).ToArray(), across);
        // A multipart ETag ("…-N") proves the server got it in parts.
        var head = await Raw.GetObjectMetadataAsync(S3TestServer.Bucket, S3.KeyOf(h));
        Assert.EndsWith("-5\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal(0, await S3TestServer.OpenUploadsAsync(Raw, Prefix));
    }

    /// <summary>A multipart upload cancelled halfway, or whose source fails, is aborted: no object, no parts left.</summary>
    [S3Fact]
    public async Task AnInterruptedMultipartUploadLeavesNothing()
    {
        await Backend.CreateAsync(default);
        var data = Random((int)(Threshold + S3Backend.MinPartSize * 2), 3);
        var h = Handle(FileType.Pack, data);

        using var cts = new CancellationTokenSource();
        Stream CancelInThirdPart() => new TrippingStream(data, trip: 2 * S3Backend.MinPartSize + 1000, () => cts.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => S3.UploadAsync(h, CancelInThirdPart, data.Length, cts.Token));
        Assert.Null(await Backend.StatAsync(h, default));
        Assert.Equal(0, await S3TestServer.OpenUploadsAsync(Raw, Prefix));

        Stream FailInThirdPart() => new TrippingStream(data, trip: 2 * S3Backend.MinPartSize + 1000, () => throw new IOException("disk read error"));
        var e = await Assert.ThrowsAnyAsync<IOException>(() => S3.UploadAsync(h, FailInThirdPart, data.Length, default));
        Assert.Contains("disk read error", e.ToString(), StringComparison.Ordinal);
        Assert.Null(await Backend.StatAsync(h, default));
        Assert.Equal(0, await S3TestServer.OpenUploadsAsync(Raw, Prefix));

        await S3.UploadAsync(h, () => new MemoryStream(data, writable: false), data.Length, default);
        Assert.Equal(data.Length, await Backend.StatAsync(h, default));
    }

    /// <summary>What a killed writer leaves (an open multipart upload) goes with RemoveLeftoversAsync.</summary>
    [S3Fact]
    public async Task LeftoverUploadsAreAborted()
    {
        await Backend.CreateAsync(default);
        var id = BlobId.Hash("left"u8).ToString();
        var key = $"{Prefix}data/{id[..2]}/{id}";
        var init = await Raw.InitiateMultipartUploadAsync(S3TestServer.Bucket, key);
        await Raw.UploadPartAsync(new UploadPartRequest
        {
            BucketName = S3TestServer.Bucket, Key = key, UploadId = init.UploadId, PartNumber = 1,
            InputStream = new MemoryStream(Random(1000, 4)), UseChunkEncoding = false,
        });
        Assert.Equal(1, await S3TestServer.OpenUploadsAsync(Raw, Prefix));
        Assert.Equal(1, await Backend.RemoveLeftoversAsync(default));
        Assert.Equal(0, await S3TestServer.OpenUploadsAsync(Raw, Prefix));
        Assert.Null(await Backend.StatAsync(new StorageHandle(FileType.Pack, id), default));
    }

    /// <summary>Wrong credentials: one line that says what to check, and never the secret.</summary>
    [S3Fact]
    public async Task WrongCredentialsGiveAClearError()
    {
        var wrongSecret = "not-the-secret-" + Guid.NewGuid().ToString("N");
        var env = S3TestServer.Credentials;
        env["AWS_SECRET_ACCESS_KEY"] = wrongSecret;
        using var backend = S3Backend.Open(_location, env);
        var e = await Assert.ThrowsAsync<CoffreException>(() => backend.ExistsAsync(default));
        AssertCredentialError(e, wrongSecret);
        e = await Assert.ThrowsAsync<CoffreException>(() => backend.SaveAsync(Handle(FileType.Key, [1]), new byte[] { 1 }, default));
        AssertCredentialError(e, wrongSecret);

        env = S3TestServer.Credentials;
        env["AWS_ACCESS_KEY_ID"] = "NOSUCHKEY0000000000";
        using var unknown = S3Backend.Open(_location, env);
        AssertCredentialError(await Assert.ThrowsAsync<CoffreException>(() => unknown.LoadAsync(StorageHandle.Config, default)), S3TestServer.SecretKey);

        env.Remove("AWS_SECRET_ACCESS_KEY");
        var missing = Assert.Throws<CoffreException>(() => S3Backend.Open(_location, env));
        Assert.Contains("AWS_SECRET_ACCESS_KEY", missing.Message, StringComparison.Ordinal);
    }

    private static void AssertCredentialError(CoffreException e, string secret)
    {
        Assert.Equal(ExitCodes.Fatal, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("AWS_ACCESS_KEY_ID", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A bucket that does not exist: "no repository" (exit 10) with its name; init creates it, as restic's does.</summary>
    [S3Fact]
    public async Task AMissingBucketIsNoRepositoryAndCreateMakesIt()
    {
        var bucket = "coffre-missing-" + Guid.NewGuid().ToString("N")[..12];
        var location = S3Location.Parse($"s3:{S3TestServer.Endpoint}/{bucket}/repo");
        using var backend = S3TestServer.Open(location);
        Assert.False(await backend.ExistsAsync(default));
        var e = await Assert.ThrowsAsync<CoffreException>(() => backend.LoadAsync(StorageHandle.Config, default));
        Assert.Equal(ExitCodes.NoRepository, e.ExitCode);
        Assert.Contains(bucket, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        var open = await Assert.ThrowsAsync<CoffreException>(() => Coffre.Repository.Repository.OpenAsync(backend, "pw"u8.ToArray(), default));
        Assert.Equal(ExitCodes.NoRepository, open.ExitCode);
        await Assert.ThrowsAsync<CoffreException>(async () => { await foreach (var _ in backend.ListAsync(FileType.Snapshot, default)) { } });

        await backend.CreateAsync(default);
        await backend.CreateAsync(default); // harmless when it exists
        try
        {
            var data = new byte[] { 42 };
            await backend.SaveAsync(Handle(FileType.Snapshot, data), data, default);
            Assert.Equal(data, await backend.LoadAsync(Handle(FileType.Snapshot, data), default));
            await backend.RemoveAsync(Handle(FileType.Snapshot, data), default);
        }
        finally
        {
            await Raw.DeleteBucketAsync(bucket);
        }
    }

    /// <summary>Nobody listening: an IOException (transient) naming the location, promptly.</summary>
    [S3Fact]
    public async Task AnUnreachableServerIsATransientIOException()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        var location = S3Location.Parse($"s3:http://127.0.0.1:{port}/bucket/repo");
        using var backend = S3TestServer.Open(location);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.StatAsync(StorageHandle.Config, default));
        Assert.Contains(location.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("temporary", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads a byte array and calls <c>trip</c> once the read position passes a point.</summary>
    private sealed class TrippingStream(byte[] data, long trip, Action onTrip) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => Check(base.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Check(base.Read(buffer));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Check(base.Read(buffer.Span)));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Check(base.Read(buffer, offset, count)));

        private int Check(int n)
        {
            if (Position > trip) onTrip();
            return n;
        }
    }
}
