using System.Text.Json;
using Coffre.Platform;

namespace Coffre.Alerts;

/// <summary>
/// The open incidents, in <c>incidents.json</c> in the log folder (docs/alerts.md). Local state: deleting the file
/// only means the next failure is announced again. Changes are made under the log folder's flock(2) (the one the
/// journal rolls under; held for milliseconds, never while a message is sent) and written atomically (a temp file
/// renamed over the old one), mode 0600.
/// </summary>
public sealed class IncidentStore
{
    public const string FileName = "incidents.json";

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public IncidentStore(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    public string FilePath => Path.Combine(Folder, FileName);

    /// <summary>The open incidents (none when the file is missing or unreadable).</summary>
    public IReadOnlyList<Incident> Open() => Load();

    /// <summary>Loads the incidents, lets <paramref name="change"/> edit the list, and saves it, under the folder's lock.</summary>
    public T Update<T>(Func<List<Incident>, T> change)
    {
        var folder = UnixPath.FromString(Folder);
        Posix.MakeDirectoryAll(folder, 0x1C0 /* 0700 */);
        // Without the lock (another process stuck holding it) the change is still made: a lost update can only
        // repeat or skip a message, never lose a backup.
        using var held = Posix.TryLockDirectory(folder, LockWait);
        var incidents = Load();
        var result = change(incidents);
        Save(incidents);
        return result;
    }

    private List<Incident> Load()
    {
        try
        {
            if (!File.Exists(FilePath)) return [];
            return JsonSerializer.Deserialize<StoreFile>(File.ReadAllBytes(FilePath), Json)?.Incidents ?? [];
        }
        catch (JsonException) { return []; } // a torn or hand-edited file: start afresh, as documented
    }

    private void Save(List<Incident> incidents)
    {
        var temp = FilePath + $".{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, new StoreFile { Incidents = incidents }, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, FilePath, overwrite: true);
    }

    private sealed class StoreFile
    {
        public List<Incident> Incidents { get; set; } = [];
    }
}
