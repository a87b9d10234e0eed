using Coffre.Sources;
using Coffre.Sources.PostgreSql;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Sources;

/// <summary>
/// A crafted pg_dump -Fc archive whose restore runs a program on the database server (a CHECK constraint calls a
/// function that does <c>COPY ... TO PROGRAM</c> while pg_restore loads the rows), against the real PostgreSQL:
/// restored as the application's role it fails without running the program; as a superuser it is refused before
/// anything changes, unless the configuration trusts the dumps.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public sealed class PostgreSqlHostileDumpTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _marker = Path.Combine(Path.GetTempPath(), $"coffre-pg-pwned-{Guid.NewGuid():N}");
    private readonly List<string> _databases = [];

    public void Dispose()
    {
        foreach (var db in _databases) DropPgDatabase(db);
        File.Delete(_marker);
    }

    private string NewDatabase()
    {
        var db = NewDatabaseName();
        _databases.Add(db);
        CreatePgDatabase(db);
        return db;
    }

    private PostgreSqlSettings Superuser(string db) => PgSettings(db) with { User = Pg("SUPERUSER"), Password = Pg("SUPERPASSWORD") };

    /// <summary>The archive, dumped by a superuser from a database built by one (as a forger with the repository key would).</summary>
    private async Task<byte[]> HostileDumpAsync()
    {
        var source = NewDatabase();
        Psql(source, $"""
            CREATE FUNCTION public.evil(x text) RETURNS text LANGUAGE plpgsql AS $$
            BEGIN
              IF current_database() <> '{source}' THEN
                EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'touch {_marker}');
              END IF;
              RETURN x;
            END $$;
            CREATE TABLE public.t (x text CHECK (public.evil(x) IS NOT NULL));
            INSERT INTO public.t VALUES ('a'), ('b');
            """, superuser: true);
        var dump = new MemoryStream();
        await using (var stream = await new PostgreSqlSource(Superuser(source)).StartDumpAsync(Ct))
        {
            await stream.Content.CopyToAsync(dump, Ct);
            await stream.CompleteAsync(Ct);
        }
        Assert.False(File.Exists(_marker));
        return dump.ToArray();
    }

    [PostgreSqlFact]
    public async Task Restored_as_the_application_role_the_program_never_runs()
    {
        var dump = await HostileDumpAsync();
        var target = NewDatabase();
        var e = await Assert.ThrowsAsync<SourceException>(() => new PostgreSqlSource(PgSettings(target)).RestoreAsync(new MemoryStream(dump), null, Ct));
        Assert.Contains("pg_execute_server_program", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_marker), "the dump ran a program on the server");
        AssertNoToolLeft();
    }

    [PostgreSqlFact]
    public async Task A_superuser_restore_is_refused_before_anything_changes()
    {
        var dump = await HostileDumpAsync();
        var target = NewDatabase();
        Psql(target, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
        var e = await Assert.ThrowsAsync<SourceException>(() => new PostgreSqlSource(Superuser(target)).RestoreAsync(new MemoryStream(dump), null, Ct));
        Assert.Equal($"restore into database \"{target}\" refused: user postgres is a superuser, and a dump restored with those powers can run "
            + "programs on the database server (COPY ... PROGRAM, untrusted languages) and change the server itself. Restore as the "
            + "application's own role (databases[].user), or set databases[].allowPrivilegedRestore to true for \"main\" "
            + "if every dump that may be restored is trusted", e.Message);
        Assert.False(File.Exists(_marker));
        Assert.Equal("42", Psql(target, "SELECT x FROM kept").StdOut.Trim());

        // Into a database that does not exist yet (a drill's scratch database): refused too.
        var fresh = NewDatabaseName();
        _databases.Add(fresh);
        await Assert.ThrowsAsync<SourceException>(() => new PostgreSqlSource(Superuser(target)).RestoreAsync(new MemoryStream(dump), fresh, Ct));
        Assert.False(File.Exists(_marker));
        AssertNoToolLeft();
    }

    [PostgreSqlFact]
    public async Task A_role_that_may_run_server_programs_is_refused_too()
    {
        var dump = await HostileDumpAsync();
        var target = NewDatabase();
        var role = "coffre_prog_" + Guid.NewGuid().ToString("N")[..8];
        Psql("postgres", $"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'; GRANT pg_execute_server_program TO {role}; GRANT ALL ON DATABASE \"{target}\" TO {role}", superuser: true);
        try
        {
            var settings = PgSettings(target) with { User = role, Password = $"pw-{role}" };
            var e = await Assert.ThrowsAsync<SourceException>(() => new PostgreSqlSource(settings).RestoreAsync(new MemoryStream(dump), null, Ct));
            Assert.Contains($"user {role} is a member of pg_execute_server_program", e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(_marker));
        }
        finally
        {
            Psql("postgres", $"DROP OWNED BY {role} CASCADE; DROP ROLE IF EXISTS {role}", superuser: true);
        }
    }

    /// <summary>The opt-in does what it says, and shows what the refusal prevents: the program runs.</summary>
    [PostgreSqlFact]
    public async Task Trusting_the_dumps_lets_a_superuser_restore_run_the_program()
    {
        var dump = await HostileDumpAsync();
        var target = NewDatabase();
        await new PostgreSqlSource(Superuser(target) with { AllowPrivilegedRestore = true }).RestoreAsync(new MemoryStream(dump), null, Ct);
        Assert.True(File.Exists(_marker), "the payload of the crafted dump did not run: this test proves nothing");
    }
}
