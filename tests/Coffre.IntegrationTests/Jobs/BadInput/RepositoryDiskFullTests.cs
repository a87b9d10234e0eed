using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using Coffre.Platform;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// The disk holding the repository (an 8 MiB file system) fills up during an application backup — while storing the
/// media, the SQLite copy or the PostgreSQL dump: exit 1, one line saying the repository's disk is full (and where),
/// no snapshot, no lock and nothing half-written left, the first backup intact, the sources unchanged.
/// </summary>
[Collection(SerialCollection.Name)]
public class RepositoryDiskFullTests
{
    /// <summary>An application whose repository is on a small disk (the repository path in coffre.json points there).</summary>
    private static (BrokenApp App, SmallDisk Disk) OnSmallDisk()
    {
        var app = new BrokenApp();
        var disk = SmallDisk.TryMount(app.Dir.Sub("disk"), 8, out var whyNot);
        if (disk is null)
        {
            app.Dispose();
            Assert.Fail(whyNot);
        }
        app.Config["repository"]!["path"] = Path.Combine(disk.MountPoint, "repo");
        return (app, disk);
    }

    [SmallDiskFact]
    public void Media_larger_than_the_free_space()
    {
        var (app, disk) = OnSmallDisk();
        using (app)
        using (disk)
        {
            app.Databases.Add(app.Sqlite());
            app.Start();
            RawFiles.WriteRandom(UnixPath.FromString(Path.Combine(app.Media, "video.mp4")), 20L << 20, seed: 7);
            var database = BrokenApp.FileState(app.SqlitePath);
            app.Remember();

            // The space check sees 20 MiB of new media against 8 MiB of disk: refused before anything is written.
            var refused = app.Backup();
            Errors.AssertOneLine(refused, 1, "not enough free space", "MiB free", "nothing was written");
            app.AssertUntouched();

            // Told to go on anyway, the backup meets the full disk: it stops cleanly and says why.
            var r = app.Backup("--no-space-check");

            Errors.AssertOneLine(r, 1, "the disk holding the repository is full", Path.Combine(app.Repository, "data"));
            Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
            app.AssertUntouched();
        }
    }

    [SmallDiskFact]
    public void Sqlite_database_larger_than_the_free_space()
    {
        var (app, disk) = OnSmallDisk();
        using (app)
        using (disk)
        {
            app.Databases.Add(app.Sqlite());
            app.Start();
            // 12 MB of random blobs: the copy made with SQLite's backup API is staged in a private folder under $TMPDIR
            // (never in the repository), so it is the packs that cannot fit on the repository's disk.
            var grow = Infrastructure.ProcessRunner.Run("/usr/bin/python3", ["-c",
                "import sqlite3,sys,random; r=random.Random(5); c=sqlite3.connect(sys.argv[1]); c.execute('create table images(b blob)'); " +
                "c.executemany('insert into images values (?)', [(r.randbytes(100000),) for i in range(120)]); c.commit()", app.SqlitePath],
                new Dictionary<string, string?>());
            Assert.True(grow.ExitCode == 0, grow.Describe());
            var database = BrokenApp.FileState(app.SqlitePath);
            app.Remember();

            var r = app.Backup();

            Errors.AssertOneLine(r, 1, "the disk holding the repository is full", "nothing already stored was changed");
            Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
            app.AssertUntouched();
        }
    }

    /// <summary>
    /// The dump fills the disk while pg_dump is still writing: the run must stop (it used to wait forever for the
    /// dump's last chunk) and say that the disk is full, not that pg_dump's output was not read to its end.
    /// </summary>
    [PostgreSqlOnSmallDiskFact]
    public void PostgreSql_dump_larger_than_the_free_space()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, "CREATE TABLE clients(id serial primary key, nom text); INSERT INTO clients(nom) SELECT 'client ' || g FROM generate_series(1, 1234) g;");
            var (app, disk) = OnSmallDisk();
            using (app)
            using (disk)
            {
                app.Databases.Add(BrokenApp.PostgreSql(db));
                app.Coffre.Environment[BrokenApp.DbPasswordVariable] = Pg("PASSWORD");
                app.Start();
                // About 12 MB that does not compress (hashes as bytes), stored uncompressed by the server too.
                Psql(db, "CREATE TABLE images(id int primary key, b bytea); ALTER TABLE images ALTER COLUMN b SET STORAGE EXTERNAL; "
                    + "INSERT INTO images SELECT g, decode(string_agg(md5(g || ':' || h || random()), ''), 'hex') "
                    + "FROM generate_series(1, 750) g, generate_series(1, 1000) h GROUP BY g;");
                var before = State(db);
                app.Remember();

                var r = app.Coffre.Run(TimeSpan.FromMinutes(3), "backup");

                Errors.AssertOneLine(r, 1, "the disk holding the repository is full", Path.Combine(app.Repository, "data"));
                Assert.Equal(before, State(db));
                app.AssertUntouched();
            }
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    private static string State(string db) =>
        Psql(db, "SELECT (SELECT count(*) || ' ' || md5(string_agg(id || ':' || nom, ',' ORDER BY id)) FROM clients) || ' ' || "
            + "(SELECT count(*) || ' ' || md5(string_agg(md5(b), ',' ORDER BY id)) FROM images)").StdOut.Trim();
}

/// <summary>Needs both the private PostgreSQL and a small file system (see <see cref="SmallDiskFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgreSqlOnSmallDiskFactAttribute : FactAttribute
{
    public PostgreSqlOnSmallDiskFactAttribute()
    {
        Skip = new PostgreSqlFactAttribute().Skip ?? new SmallDiskFactAttribute().Skip;
    }
}
