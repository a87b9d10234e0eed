namespace Coffre.Storage;

/// <summary>
/// The bytes of one object to save: a length, and a stream over them that can be opened afresh from the start
/// any number of times (a retry uploads again from byte 0). Never holds a file path in the backend contract: a
/// backend that can do better with a file it may take over (a rename within one file system) asks for
/// <see cref="StagedFileSource"/> by type.
/// </summary>
public abstract class SaveSource
{
    /// <summary>Number of bytes every opened stream yields.</summary>
    public abstract long Length { get; }

    /// <summary>A new stream positioned at the first byte; the caller disposes it.</summary>
    public abstract Stream Open();

    public static SaveSource FromBytes(ReadOnlyMemory<byte> data) => new BytesSource(data);
}

/// <summary>Bytes already in memory (config, keys, index, snapshots, locks).</summary>
public sealed class BytesSource(ReadOnlyMemory<byte> data) : SaveSource
{
    public ReadOnlyMemory<byte> Data { get; } = data;
    public override long Length => Data.Length;

    public override Stream Open() =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(Data.ToArray(), writable: false);
}

/// <summary>
/// A complete, fsynced file in a staging folder, handed over to the backend: a local backend whose staging folder
/// holds it may move it into place (the file is then gone); any other backend reads it through <see cref="Open"/>
/// and leaves it to the caller, who deletes it.
/// </summary>
public sealed class StagedFileSource : SaveSource
{
    public StagedFileSource(string path, long length)
    {
        Path = System.IO.Path.GetFullPath(path);
        Length = length;
    }

    public string Path { get; }
    public override long Length { get; }

    public override Stream Open() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
}
