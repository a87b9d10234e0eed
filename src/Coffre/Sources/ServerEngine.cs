namespace Coffre.Sources;

/// <summary>
/// What the engines of database servers (PostgreSQL, MySQL/MariaDB) share: a database is a name on a server reached by
/// host and port as a user, dumped and restored by the client tools in <c>binDirectory</c>. An engine of this kind
/// gives its name, extension, port, dump recognition and source.
/// </summary>
public abstract class ServerEngine : IDatabaseEngine
{
    /// <summary>The host when the configuration names none.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Where the database client tools are when the configuration does not say (databases[].binDirectory).</summary>
    public const string DefaultBinDirectory = "/usr/bin";

    public abstract string Name { get; }
    public abstract string DisplayName { get; }
    public abstract string Extension { get; }
    public abstract int DefaultServerPort { get; }
    public int? DefaultPort => DefaultServerPort;
    public bool IsFileBased => false;
    public bool TakesPassword => true;
    public virtual string? PlainSqlExtension => null;
    public virtual IReadOnlyList<string> ExtraFileSuffixes => [];

    public abstract string? RecogniseDump(ReadOnlySpan<byte> head);

    public abstract IDatabaseSource CreateSource(IDatabaseSettings db, string? password, string? repositoryStagingFolder);

    public abstract Task<IReadOnlyList<ToolProblem>> CheckToolsAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct);

    public void Complete(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Host ??= DefaultHost;
        db.Port ??= DefaultServerPort;
    }

    public void Validate(string key, IDatabaseSettings db, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(db.Database)) error($"{key}.database", $"the database's name on the {Name} server is required");
        if (string.IsNullOrWhiteSpace(db.User)) error($"{key}.user", $"the user to connect to {Name} as is required");
        if (string.IsNullOrWhiteSpace(db.Host)) error($"{key}.host", "the server's host name or address is required");
        if (db.Port is { } p && (p < 1 || p > 65535)) error($"{key}.port", $"{p} is not a port number (1 to 65535)");
        if (db.Path is not null)
        {
            var fileEngines = DatabaseEngines.All.Where(e => e.IsFileBased).Select(e => e.Name).ToList();
            error($"{key}.path", $"\"path\" is for {string.Join(" or ", fileEngines)} databases; a {Name} database uses host, port and database");
        }
        if (db.BinDirectory is { } bin && !Directory.Exists(bin))
            error($"{key}.binDirectory", File.Exists(bin) ? $"{bin} is a file, not the folder of the {Name} client tools" : $"{bin} does not exist");
    }

    public string Locate(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return $"{Name}://{HostOf(db)}:{PortOf(db)}/{db.Database}";
    }

    public string Describe(IDatabaseSettings db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return $"{Name} database \"{db.Database}\" on {HostOf(db)}:{PortOf(db)}";
    }

    public void Retarget(IDatabaseSettings copy, string other)
    {
        ArgumentNullException.ThrowIfNull(copy);
        copy.Database = other;
        copy.Path = null;
    }

    /// <summary>A new database on the configured server, <c>coffre_drill_</c> and 11 random hex digits.</summary>
    public string ScratchTarget(string name, string scratchFolder) => $"coffre_drill_{Guid.NewGuid():N}"[..24];

    /// <summary>Unknown: a server database's dump size cannot be told from outside.</summary>
    public long? EstimateDumpSize(IDatabaseSettings db) => null;

    protected static string HostOf(IDatabaseSettings db) => db.Host ?? DefaultHost;

    protected int PortOf(IDatabaseSettings db) => db.Port ?? DefaultServerPort;

    protected static string BinDirectoryOf(IDatabaseSettings db) => db.BinDirectory ?? DefaultBinDirectory;
}
