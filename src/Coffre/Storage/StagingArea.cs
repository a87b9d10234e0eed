namespace Coffre.Storage;

/// <summary>
/// Where packs are written while they fill. A backend with a staging folder of its own (a local repository's
/// data/) gets it, so storing a pack is a rename and an interrupted write leaves a file that
/// <see cref="IStorageBackend.RemoveLeftoversAsync"/> finds; any other backend gets a private folder (0700) in
/// the system temp folder, created on first use and removed with everything in it on dispose, from which each
/// pack is streamed once to the backend.
/// </summary>
public sealed class StagingArea : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string? _backendFolder;
    private readonly Lock _lock = new();
    private string? _privateFolder;

    public StagingArea(BackendProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        _backendFolder = properties.StagingFolder;
    }

    /// <summary>Whether packs staged here are moved into the repository (true) or copied from here (false).</summary>
    public bool IsBackendFolder => _backendFolder is not null;

    /// <summary>The folder, created if needed.</summary>
    public string Folder
    {
        get
        {
            if (_backendFolder is not null)
            {
                if (!Directory.Exists(_backendFolder)) Directory.CreateDirectory(_backendFolder, Private);
                return _backendFolder;
            }
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_privateFolder == "", this);
                return _privateFolder ??= Directory.CreateTempSubdirectory("coffre-staging-").FullName;
            }
        }
    }

    public void Dispose()
    {
        string? folder;
        lock (_lock)
        {
            folder = _privateFolder;
            _privateFolder = "";
        }
        if (string.IsNullOrEmpty(folder)) return;
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
