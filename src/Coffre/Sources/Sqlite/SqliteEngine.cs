namespace Coffre.Sources.Sqlite;

/// <summary>
/// SQLite: <c>sqlite</c>, a database that is one file (<c>path</c>), copied with SQLite's online backup into a
/// <c>.sqlite</c> file (starting with <c>SQLite format 3\0</c>). Restoring writes a file; a drill restores into a
/// temporary one.
/// </summary>
public sealed class SqliteEngine : IDatabaseEngine
{
    public string Name => "sqlite";
    public string DisplayName => "SQLite";
    public string Extension => "sqlite";
    public int? DefaultPort => null;
    public bool IsFileBased => true;
    public bool TakesPassword => false;
    public string? PlainSqlExtension => null;
    public IReadOnlyList<string> ExtraFileSuffixes => [];

    /// <summary>The default name is the file's, without its extension.</summary>
    public void Complete(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Name is null && db.Path is not null) db.Name = Path.GetFileNameWithoutExtension(db.Path);
    }

    public void Validate(string key, IDatabaseSettings db, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(db.Path))
            error($"{key}.path", $"the {DisplayName} database file is required");
        else if (!File.Exists(db.Path))
            error($"{key}.path", Directory.Exists(db.Path) ? $"{db.Path} is a folder, not a {DisplayName} database file" : $"{db.Path} does not exist");
        foreach (var (field, set) in new[]
        {
            ("host", db.Host is not null), ("port", db.Port is not null), ("database", db.Database is not null), ("user", db.User is not null),
            ("passwordEnv", db.PasswordEnv is not null), ("passwordFile", db.PasswordFile is not null), ("passwordCommand", db.PasswordCommand is not null),
            ("binDirectory", db.BinDirectory is not null), ("allowPrivilegedRestore", db.AllowPrivilegedRestore is not null),
        })
            if (set) error($"{key}.{field}", $"\"{field}\" is not used by {Name} databases (only \"path\")");
    }

    public string Locate(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return Name + "://" + db.Path;
    }

    public string Describe(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Path!;
    }

    public void Retarget(IDatabaseSettings copy, string other)
    {
        ArgumentNullException.ThrowIfNull(copy);
        copy.Database = null;
        copy.Path = Path.GetFullPath(other);
    }

    public string ScratchTarget(string name, string scratchFolder) => Path.Combine(scratchFolder, name + "." + Extension);

    /// <summary>The file's size: the copy is as large.</summary>
    public long? EstimateDumpSize(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Path is not null && File.Exists(db.Path) ? new FileInfo(db.Path).Length : null;
    }

    public string? RecogniseDump(ReadOnlySpan<byte> head) => head.StartsWith("SQLite format 3\0"u8) ? Extension : null;

    /// <summary>
    /// Dumps are staged in a private folder under <c>$TMPDIR</c>, never in the repository; leftovers of older versions
    /// that staged in a local repository's <c>data/</c> folder are removed from <paramref name="repositoryStagingFolder"/>.
    /// </summary>
    public IDatabaseSource CreateSource(IDatabaseSettings db, string? password, string? repositoryStagingFolder)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (repositoryStagingFolder is not null) SqliteStaging.RemoveLegacyLeftovers(repositoryStagingFolder);
        return new SqliteSource(db.Name!, db.Path!);
    }

    /// <summary>SQLite is read through the system library the engine loads itself: no tool to check.</summary>
    public Task<IReadOnlyList<ToolProblem>> CheckToolsAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ToolProblem>>([]);
}
