
namespace Coffre.Storage.Rest;

/// <summary>How the REST client talks to its server.</summary>
internal sealed record RestOptions
{
    public static readonly RestOptions Default = new();

    /// <summary>How long a request may go without progress (connecting, answering, a byte moving) before it fails.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Connections to the server at once (restic's rest backend default: 5).</summary>
    public int Connections { get; init; } = 5;

    /// <summary>
    /// The largest object read whole into memory (config, keys, snapshots, index files, locks): far above what
    /// restic or Coffre write (an index file holds at most 50,000 blobs, a few MB), far below what would hurt.
    /// </summary>
    public int MaxSmallObjectBytes { get; init; } = 256 << 20;

    /// <summary>HTTP/1.1 over TCP; HTTP/2 for rclone's stdio, which has a single connection.</summary>
    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;
}
