using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Archives;
using Coffre.Sources;

namespace Coffre.Tests.Sources;

/// <summary>Every engine of the one list is a complete descriptor, consistent with its source and with the others.</summary>
public sealed class DatabaseEnginesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-engines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Engines() => [.. DatabaseEngines.Names];

    [Fact]
    public void Names_and_extensions_are_unique_and_plain_sql_has_one_owner()
    {
        Assert.True(DatabaseEngines.All.Count >= 3);
        Assert.Equal(DatabaseEngines.All.Count, DatabaseEngines.All.Select(e => e.Name).Distinct().Count());
        Assert.Equal(DatabaseEngines.All.Count, DatabaseEngines.All.Select(e => e.Extension).Distinct().Count());
        Assert.Single(DatabaseEngines.All, e => e.PlainSqlExtension is not null);
        Assert.Equal(["postgresql", "mysql", "sqlite"], DatabaseEngines.Names);
        Assert.Equal("postgresql, mysql or sqlite", DatabaseEngines.Choices);
        var extras = DatabaseEngines.All.SelectMany(e => e.ExtraFileSuffixes).ToList();
        Assert.Equal(extras.Count, extras.Distinct().Count());
        // An extra file is never taken for a dump, and a dump never for an extra file.
        Assert.All(DatabaseEngines.All, e => Assert.False(DatabaseEngines.IsExtraFile("main." + e.Extension)));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Descriptor_is_complete_and_consistent(string name)
    {
        var engine = DatabaseEngines.Find(name)!;
        Assert.Matches("^[a-z][a-z0-9]*$", engine.Name);
        Assert.Matches("^[a-z0-9]+$", engine.Extension);
        Assert.False(string.IsNullOrWhiteSpace(engine.DisplayName));
        Assert.Same(engine, DatabaseEngines.FindIgnoringCase(engine.Name.ToUpperInvariant()));
        Assert.Same(engine, DatabaseEngines.ForExtension(engine.Extension));
        Assert.Same(engine, DatabaseEngines.Require(engine.Name, "main"));
        // A server has a port and takes a password; a file has neither.
        Assert.Equal(!engine.IsFileBased, engine.DefaultPort is > 0 and < 65536);
        Assert.Equal(!engine.IsFileBased, engine.TakesPassword);
        if (engine.PlainSqlExtension is { } plain) Assert.Matches("^[a-z0-9]+$", plain);

        // Completed, a minimal section is valid and describes where the database is.
        var db = Minimal(engine);
        engine.Complete(db);
        Assert.Equal(engine.IsFileBased ? null : engine.DefaultPort, db.Port);
        Assert.Equal("main", db.Name);
        var errors = new List<string>();
        engine.Validate("databases[0]", db, (key, message) => errors.Add($"{key}: {message}"));
        Assert.Empty(errors);
        Assert.StartsWith(engine.Name + "://", engine.Locate(db), StringComparison.Ordinal);
        Assert.Contains(engine.IsFileBased ? db.Path! : db.Database!, engine.Describe(db), StringComparison.Ordinal);

        // The source it builds is of this engine and names its dumps with this extension.
        var source = SourceFactory.Create(db, null, new Dictionary<string, string?>());
        Assert.Equal(engine.Name, source.Engine);
        Assert.Equal(engine.Extension, source.Extension);
        Assert.Equal("main", source.Name);

        // Pointed elsewhere: another database on the same server, or another file.
        var copy = new DatabaseSection { Name = "main", Engine = engine.Name, Host = db.Host, Port = db.Port, User = db.User };
        engine.Retarget(copy, engine.IsFileBased ? Path.Combine(_dir, "other." + engine.Extension) : "other");
        Assert.Equal(engine.IsFileBased ? null : "other", copy.Database);
        Assert.Equal(engine.IsFileBased ? Path.Combine(_dir, "other." + engine.Extension) : null, copy.Path);

        // A drill's scratch: a file in the scratch folder, or a new database name that is a plain identifier.
        var scratch = engine.ScratchTarget("main", _dir);
        if (engine.IsFileBased) Assert.Equal(_dir, Path.GetDirectoryName(scratch));
        else Assert.Matches("^[a-z_][a-z0-9_]{1,62}$", scratch);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Validation_names_the_missing_keys(string name)
    {
        var engine = DatabaseEngines.Find(name)!;
        var db = new DatabaseSection { Name = "main", Engine = engine.Name };
        engine.Complete(db);
        var keys = new List<string>();
        engine.Validate("databases[2]", db, (key, _) => keys.Add(key));
        Assert.Equal(engine.IsFileBased ? ["databases[2].path"] : ["databases[2].database", "databases[2].user"], keys);
    }

    [Fact]
    public void An_unknown_engine_is_refused_with_the_choices()
    {
        Assert.Null(DatabaseEngines.Find("oracle"));
        Assert.Null(DatabaseEngines.Find("SQLITE"));
        var e = Assert.Throws<CoffreException>(() => SourceFactory.Create(new DatabaseSection { Name = "main", Engine = "oracle" }, null));
        Assert.Equal("database main: unknown engine \"oracle\" (use postgresql, mysql or sqlite)", e.Message);
    }

    /// <summary>The first bytes of each engine's dumps (pg_dump -Fc, mariadb-dump, a SQLite file); the integration
    /// tests (EngineDumpTests) check real dumps from real servers. A new engine adds its own here.</summary>
    private static readonly Dictionary<string, byte[]> DumpHeads = new()
    {
        ["postgresql"] = "PGDMP\u0001\u000e\u0000\u0004\u0008"u8.ToArray(),
        ["mysql"] = "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n"u8.ToArray(),
        ["sqlite"] = "SQLite format 3\0\u0010\u0000\u0001\u0001"u8.ToArray(),
    };

    [Theory]
    [MemberData(nameof(Engines))]
    public void Detection_gives_each_engine_its_own_dumps(string name)
    {
        var engine = DatabaseEngines.Find(name)!;
        Assert.True(DumpHeads.TryGetValue(name, out var head), $"no sample dump head for engine {name} in this test");
        Assert.Equal(engine.Extension, engine.RecogniseDump(head));
        Assert.Equal(new DumpKind(engine.Name, engine.Extension), DumpDetector.Detect(head, "bin"));
        foreach (var other in DatabaseEngines.All.Where(o => o != engine))
            Assert.Null(other.RecogniseDump(head));
    }

    private DatabaseSection Minimal(IDatabaseEngine engine)
    {
        if (!engine.IsFileBased) return new DatabaseSection { Engine = engine.Name, Name = "main", Database = "shop", User = "app" };
        var path = Path.Combine(_dir, "main.db");
        File.WriteAllBytes(path, []);
        return new DatabaseSection { Engine = engine.Name, Path = path };
    }
}
