namespace Coffre.Model;

/// <summary>A snapshot (restic's <c>data.Snapshot</c>); serialised by <see cref="Json.SnapshotJson"/>.</summary>
public sealed class Snapshot
{
    public GoTime Time { get; set; } = GoTime.Zero;
    public BlobId? Parent { get; set; }

    /// <summary>The root tree (required).</summary>
    public BlobId Tree { get; set; }

    public List<string> Paths { get; set; } = [];
    public string Hostname { get; set; } = "";
    public string Username { get; set; } = "";
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public List<string>? Excludes { get; set; }
    public List<string>? Tags { get; set; }

    /// <summary>The snapshot this one was rewritten from (tag, rewrite).</summary>
    public BlobId? Original { get; set; }

    /// <summary>E.g. <c>"restic 0.18.0"</c>.</summary>
    public string? ProgramVersion { get; set; }

    public SnapshotSummary? Summary { get; set; }
}
