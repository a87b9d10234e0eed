using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage.Rclone;

/// <summary>The backend contract through a child <c>rclone serve restic --stdio</c> on a local rclone remote (HTTP/2 over its pipes).</summary>
public sealed class RcloneBackendContractTests : RemoteContractTests
{
    private readonly RcloneRemote _remote = new();
    protected override IStorageBackend OpenEmpty() => _remote.Open();
    protected override bool ServerWritesInPlace => true; // rclone serve restic on a local remote
    protected override string ServedRoot => _remote.Root;

    public override void Dispose()
    {
        base.Dispose();
        _remote.Dispose();
    }
}
