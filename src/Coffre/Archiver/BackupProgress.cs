namespace Coffre.Archiver;

/// <summary>
/// Live counters of a running backup. The engine updates them; a host reads them whenever it wants to draw
/// progress (the engine never renders anything itself).
/// </summary>
public sealed class BackupProgress
{
    private long _filesDone, _bytesDone, _totalFiles, _totalBytes, _errors;
    private volatile bool _scanFinished;

    public long FilesDone => Interlocked.Read(ref _filesDone);
    public long BytesDone => Interlocked.Read(ref _bytesDone);
    /// <summary>Files found so far by the scanner; final once <see cref="ScanFinished"/>. An application backup counts its media folders (not the database dumps, read as they come).</summary>
    public long TotalFiles => Interlocked.Read(ref _totalFiles);
    public long TotalBytes => Interlocked.Read(ref _totalBytes);
    public long Errors => Interlocked.Read(ref _errors);
    public bool ScanFinished => _scanFinished;
    /// <summary>The file a worker started reading last (for display; with several workers, one of those being read).</summary>
    public string? CurrentFile { get; internal set; }

    internal void AddBytes(long bytes) => Interlocked.Add(ref _bytesDone, bytes);
    internal void FileFinished() => Interlocked.Increment(ref _filesDone);

    internal void Scanned(long bytes)
    {
        Interlocked.Increment(ref _totalFiles);
        Interlocked.Add(ref _totalBytes, bytes);
    }

    /// <summary>Files counted elsewhere (an application backup counts its media folders before it dumps the databases).</summary>
    internal void AddScanned(long files, long bytes)
    {
        Interlocked.Add(ref _totalFiles, files);
        Interlocked.Add(ref _totalBytes, bytes);
    }

    /// <summary>Told one line the user should read, not an error (e.g. a space check that had to be skipped).</summary>
    public Action<string>? Notice { get; init; }

    internal void Note(string message) => Notice?.Invoke(message);

    internal void ScanDone() => _scanFinished = true;
    internal void Error() => Interlocked.Increment(ref _errors);
}
