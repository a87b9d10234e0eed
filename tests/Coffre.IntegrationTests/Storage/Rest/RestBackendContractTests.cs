using Coffre.Storage;
using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>The backend contract through restic's REST protocol, against a real <c>rclone serve restic</c>.</summary>
public sealed class RestBackendContractTests : RemoteContractTests
{
    private readonly RcloneRestServer _server = new();
    protected override IStorageBackend OpenEmpty() => RestBackend.Open(RestLocation.Parse(_server.Location()), new Dictionary<string, string?>());
    protected override bool ServerWritesInPlace => true; // rclone serve restic on a local remote
    protected override string ServedRoot => _server.Root;

    public override void Dispose()
    {
        base.Dispose();
        _server.Dispose();
    }
}
