using Coffre.Configuration;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Jobs;
using Coffre.Archives;
using Coffre.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Sources;

/// <summary>
/// Each engine of <see cref="DatabaseEngines.All"/>, built from a configuration section by <see cref="SourceFactory"/>,
/// dumps a real database (private servers, a real SQLite file) that the engines' own recognition gives back to it,
/// with its extension; its extra files are never taken for dumps.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public sealed class EngineDumpTests : IDisposable
{
    private readonly TestDirectory _dir = new("engine-dumps");

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Tested = ["postgresql", "mysql", "sqlite"];

    [Fact]
    public void Every_engine_of_the_list_has_a_real_dump_test_here() =>
        Assert.Equal(Tested, DatabaseEngines.Names);

    [PostgreSqlFact]
    public async Task A_postgresql_dump_is_recognised_as_postgresql()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, "CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 100) g;");
            await AssertRecognisedAsync(new DatabaseSection
            {
                Name = "main", Engine = "postgresql", Host = Pg("HOST"), Port = PgPort, Database = db, User = Pg("USER"),
                PasswordEnv = "COFFRE_TEST_PG_PASSWORD", BinDirectory = Env("COFFRE_TEST_PG_BIN"),
            });
        }
        finally { DropPgDatabase(db); }
    }

    [MySqlFact]
    public async Task A_mysql_dump_is_recognised_as_mysql()
    {
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}` CHARACTER SET utf8mb4");
        try
        {
            Mariadb(db, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50)); INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_100;");
            await AssertRecognisedAsync(new DatabaseSection
            {
                Name = "main", Engine = "mysql", Host = My("HOST"), Port = MyPort, Database = db, User = My("USER"),
                PasswordEnv = "COFFRE_TEST_MYSQL_PASSWORD", BinDirectory = Env("COFFRE_TEST_MYSQL_BIN"),
            });
        }
        finally { DropMyDatabase(db); }
    }

    [Fact]
    public async Task A_sqlite_copy_is_recognised_as_sqlite()
    {
        var file = _dir.Sub("app.sqlite3");
        var made = Infrastructure.ProcessRunner.Run("/usr/bin/python3", ["-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(id integer primary key, name text)'); "
            + "c.executemany('insert into t(name) values (?)', [('row %d' % i,) for i in range(100)]); c.commit()", file], new Dictionary<string, string?>());
        Assert.True(made.ExitCode == 0, made.Describe());
        await AssertRecognisedAsync(new DatabaseSection { Name = "main", Engine = "sqlite", Path = file });
    }

    private static async Task AssertRecognisedAsync(DatabaseSection section)
    {
        var engine = DatabaseEngines.Require(section.Engine, section.Name);
        var source = SourceFactory.Create(section, null);
        Assert.Same(engine, DatabaseEngines.ForExtension(source.Extension));
        var head = new byte[DumpDetector.HeadSize];
        var n = 0;
        IReadOnlyDictionary<string, byte[]> extras;
        await using (var dump = await source.StartDumpAsync(CancellationToken.None))
        {
            int read;
            while (n < head.Length && (read = await dump.Content.ReadAsync(head.AsMemory(n), CancellationToken.None)) > 0) n += read;
            await dump.Content.CopyToAsync(Stream.Null, CancellationToken.None);
            await dump.CompleteAsync(CancellationToken.None);
            extras = dump.Extras;
        }
        Assert.True(n > 0, "the dump is empty");
        Assert.Equal(new DumpKind(engine.Name, engine.Extension), DumpDetector.Detect(head.AsSpan(0, n), "bin"));
        Assert.False(DatabaseEngines.IsExtraFile($"{source.Name}.{source.Extension}"));
        Assert.All(extras.Keys, k => Assert.True(DatabaseEngines.IsExtraFile(k), $"{k} would be taken for a dump"));
    }
}
