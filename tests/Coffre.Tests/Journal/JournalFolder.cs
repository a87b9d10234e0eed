using Coffre.Journal;

namespace Coffre.Tests.Journal;

/// <summary>A temp log folder (not created: the journal creates it) and helpers to read what it holds.</summary>
internal sealed class JournalFolder : IDisposable
{
    private readonly string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "coffre-journal-" + Guid.NewGuid().ToString("N"));

    public string Path => System.IO.Path.Combine(root, "logs");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Lines(string name) => System.IO.File.Exists(File(name)) ? System.IO.File.ReadAllLines(File(name)) : [];

    /// <summary>The folder's file names, sorted.</summary>
    public List<string> Names() => [.. Directory.EnumerateFiles(Path).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static RunRecord Run(DateTimeOffset end, string operation = "backup", string result = RunResults.Ok, string? error = null) => new()
    {
        Operation = operation,
        Start = end.AddSeconds(-3),
        End = end,
        Application = "boutique",
        Repository = "/srv/boutique/backups",
        SnapshotId = "3e7d4c4a5b6c7d8e9f000102030405060708090a0b0c0d0e0f10111213141516",
        BytesAdded = 1_258_291,
        BytesProcessed = 54_853_120,
        Files = 120,
        Result = result,
        Error = error,
        ExitCode = result == RunResults.Ok ? 0 : 1,
        Host = "web1",
        Version = "coffre 0.1.0",
    };

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
