using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Sources;
using Coffre.Sources.PostgreSql;
using static Coffre.IntegrationTests.Sources.TestServers;
using Runner = Coffre.IntegrationTests.Infrastructure.ProcessRunner;

namespace Coffre.IntegrationTests.Sources;

/// <summary>PostgreSqlSource against the private PostgreSQL 15 that test.sh starts: round trips and bad input.</summary>
[Collection(DatabaseSourcesCollection.Name)]
public sealed class PostgreSqlSourceTests
{
    private const int ItemRows = 120_000;

    /// <summary>Two schemas, an enum, a sequence, identity and serial columns, jsonb, bytea with every byte value,
    /// a large object, a view, a plpgsql function, unicode and control characters, 120k rows.</summary>
    internal const string Setup = """
        CREATE SCHEMA shop;
        CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy', 'très content');
        CREATE SEQUENCE shop.invoice_no START 1000 INCREMENT 7;
        CREATE TABLE shop.items (id bigserial PRIMARY KEY, name text NOT NULL, price numeric(12,2), mood shop.mood, doc jsonb,
                                 created timestamptz DEFAULT '2024-01-01 00:00:00+00');
        INSERT INTO shop.items (name, price, mood, doc)
          SELECT 'item ' || g || ' ✓ ünïcødé 🚀 日本語', g * 1.25, (ARRAY['sad','ok','happy','très content']::shop.mood[])[1 + g % 4],
                 jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 7), 'nested', jsonb_build_object('x', g::text || E'\n\t"quoted" \\'))
          FROM generate_series(1, 120000) g;
        CREATE TABLE public.blobs (id int PRIMARY KEY, data bytea, lo oid);
        INSERT INTO public.blobs
          SELECT 1, (SELECT string_agg(set_byte('\x00'::bytea, 0, b), ''::bytea ORDER BY b) FROM generate_series(0, 255) b),
                 lo_from_bytea(0, decode(repeat('00ff10', 50000), 'hex'));
        INSERT INTO public.blobs VALUES (2, ''::bytea, NULL), (3, NULL, NULL);
        CREATE TABLE shop.orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id bigint REFERENCES shop.items(id),
                                  invoice bigint DEFAULT nextval('shop.invoice_no'), note text);
        INSERT INTO shop.orders (item_id, note) SELECT g, E'line1\nline2 \\ backslash ''quote'' ∑ \x01' FROM generate_series(1, 500) g;
        CREATE VIEW shop.order_summary AS SELECT o.id, i.name, i.price, o.invoice FROM shop.orders o JOIN shop.items i ON i.id = o.item_id;
        CREATE FUNCTION shop.total(p_mood shop.mood) RETURNS numeric LANGUAGE plpgsql STABLE
          AS $$ BEGIN RETURN (SELECT sum(price) FROM shop.items WHERE mood = p_mood); END $$;
        SELECT setval('shop.invoice_no', 5000);
        """;

    internal const string Damage = """
        DROP VIEW shop.order_summary;
        DROP TABLE shop.orders;
        UPDATE shop.items SET name = 'damaged', mood = 'sad' WHERE id % 10 = 0;
        DELETE FROM shop.items WHERE id > 119000;
        SELECT lo_unlink(lo) FROM public.blobs WHERE lo IS NOT NULL;
        DELETE FROM public.blobs WHERE id = 2;
        DROP FUNCTION shop.total;
        SELECT setval('shop.invoice_no', 1);
        """;

    /// <summary>Order-independent checksums of every table's rows, the large object, the view, the function, the sequences.</summary>
    internal const string FingerprintQuery = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
          SELECT 'items ' || count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY t.id)) FROM shop.items t
          UNION ALL SELECT 'orders ' || count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY t.id)) FROM shop.orders t
          UNION ALL SELECT 'blobs ' || md5(string_agg(t.id || ':' || coalesce(encode(t.data, 'hex'), 'null') || ':'
                                                      || coalesce(md5(lo_get(t.lo)), 'nolo'), '|' ORDER BY t.id)) FROM public.blobs t
          UNION ALL SELECT 'view ' || md5(string_agg(v::text, '|' ORDER BY v.id)) FROM shop.order_summary v
          UNION ALL SELECT 'function ' || shop.total('happy')::text
          UNION ALL SELECT 'invoice_no ' || last_value || ' ' || is_called FROM shop.invoice_no
          UNION ALL SELECT 'items_id_seq ' || last_value FROM shop.items_id_seq
          UNION ALL SELECT 'orders_id_seq ' || last_value FROM shop.orders_id_seq
          UNION ALL SELECT 'large objects ' || count(*) FROM pg_largeobject_metadata
          UNION ALL SELECT 'enum ' || string_agg(e::text, ',' ORDER BY e) FROM unnest(enum_range(NULL::shop.mood)) e(e)
        ) x(line)
        """;

    private static readonly CancellationToken Ct = CancellationToken.None;

    [PostgreSqlFact]
    public async Task Awkward_database_round_trips_in_place_and_into_another_database()
    {
        var db = NewDatabaseName();
        var other = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, Setup);
            var source = new PostgreSqlSource(PgSettings(db));
            Assert.Equal("postgresql", source.Engine);
            Assert.Equal("pgdump", source.Extension);

            var description = await source.DescribeAsync(Ct);
            Assert.StartsWith("15.", description.ServerVersion, StringComparison.Ordinal);
            Assert.Equal(new Dictionary<string, long>
            {
                ["public.blobs"] = 3,
                ["shop.items"] = ItemRows,
                ["shop.orders"] = 500,
            }, description.RowCounts.ToDictionary(p => p.Key, p => p.Value));

            var fingerprint = Fingerprint(db);
            var schema = Schema(db);

            byte[] dump;
            byte[] roles;
            await using (var stream = await source.StartDumpAsync(Ct))
            {
                // The password is in pg_dump's environment, never on its command line.
                var running = ToolCommandLines();
                Assert.Contains(running, l => l.Contains("pg_dump", StringComparison.Ordinal));
                Assert.DoesNotContain(running, l => l.Contains(Pg("PASSWORD"), StringComparison.Ordinal));
                using var buffer = new MemoryStream();
                await stream.Content.CopyToAsync(buffer, Ct);
                await stream.CompleteAsync(Ct);
                dump = buffer.ToArray();
                roles = stream.Extras["main.roles.sql"];
            }
            Assert.Equal("PGDMP"u8.ToArray(), dump[..5]);
            Assert.True(dump.Length > 4_000_000, $"an uncompressed dump of {ItemRows} rows, got {dump.Length} bytes");
            var rolesText = Encoding.UTF8.GetString(roles);
            Assert.Contains("CREATE ROLE app;", rolesText, StringComparison.Ordinal);
            Assert.DoesNotContain("PASSWORD", rolesText, StringComparison.Ordinal);
            AssertNoToolLeft();

            Psql(db, Damage);
            Assert.NotEqual(fingerprint, SafeFingerprint(db));

            await source.RestoreAsync(new MemoryStream(dump), null, Ct);
            Assert.Equal(fingerprint, Fingerprint(db));
            Assert.Equal(schema, Schema(db));
            Assert.Equal(description, await source.DescribeAsync(Ct), DescriptionComparer.Instance);

            // Into a database that does not exist yet: created, then restored.
            await source.RestoreAsync(new MemoryStream(dump), other, Ct);
            Assert.Equal(fingerprint, Fingerprint(other));
            Assert.Equal(schema, Schema(other));
            AssertNoToolLeft();
        }
        finally
        {
            DropPgDatabase(db);
            DropPgDatabase(other);
        }
    }

    [PostgreSqlFact]
    public async Task Even_a_superuser_dump_saves_the_roles_without_their_passwords()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            var settings = PgSettings(db) with { User = Pg("SUPERUSER"), Password = Pg("SUPERPASSWORD") };
            await using var stream = await new PostgreSqlSource(settings).StartDumpAsync(Ct);
            await stream.Content.CopyToAsync(Stream.Null, Ct);
            await stream.CompleteAsync(Ct);
            var roles = Encoding.UTF8.GetString(stream.Extras["main.roles.sql"]);
            Assert.Contains("CREATE ROLE app;", roles, StringComparison.Ordinal);
            Assert.Contains("ALTER ROLE app WITH", roles, StringComparison.Ordinal);
            Assert.DoesNotContain("PASSWORD", roles, StringComparison.Ordinal);
            Assert.DoesNotContain("SCRAM-SHA-256", roles, StringComparison.Ordinal);
            Assert.DoesNotContain("Coffre:", roles, StringComparison.Ordinal);
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    [PostgreSqlFact]
    public async Task Server_down_is_named()
    {
        var port = ClosedPort();
        var source = new PostgreSqlSource(PgSettings("postgres", port: port));
        var expected = $"PostgreSQL at {Pg("HOST")}:{port} refused the connection";
        Assert.StartsWith(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, (await Assert.ThrowsAsync<SourceException>(() => source.StartDumpAsync(Ct))).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, (await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream([1, 2, 3]), "x", Ct))).Message, StringComparison.Ordinal);
        AssertNoToolLeft();
    }

    [PostgreSqlFact]
    public async Task Wrong_password_is_named()
    {
        var source = new PostgreSqlSource(PgSettings("postgres", password: "not the password"));
        var expected = $"password authentication failed for user app on PostgreSQL at {Pg("HOST")}:{PgPort}";
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.StartDumpAsync(Ct))).Message);
        AssertNoToolLeft();
    }

    [PostgreSqlFact]
    public async Task Unknown_database_is_named()
    {
        var source = new PostgreSqlSource(PgSettings("coffre_no_such_db"));
        const string expected = "database \"coffre_no_such_db\" does not exist";
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.StartDumpAsync(Ct))).Message);
        AssertNoToolLeft();
    }

    [PostgreSqlFact]
    public async Task Missing_pg_dump_is_named()
    {
        using var empty = new TestDirectory("nopg");
        var source = new PostgreSqlSource(PgSettings("postgres", bin: empty.Path));
        Assert.Equal($"pg_dump not found at {empty.Path}/pg_dump: install postgresql-client",
            (await Assert.ThrowsAsync<SourceException>(() => source.StartDumpAsync(Ct))).Message);
        Assert.Equal($"psql not found at {empty.Path}/psql: install postgresql-client",
            (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message);
        Assert.Equal($"pg_restore not found at {empty.Path}/pg_restore: install postgresql-client",
            (await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream(), null, Ct))).Message);
    }

    [PostgreSqlFact]
    public async Task A_pg_dump_older_than_the_server_is_named()
    {
        // pg_dump's own words when it is older than the server (PostgreSQL 13 client, 15 server).
        using var bin = FakeTools(
            "echo 'pg_dump: error: aborting because of server version mismatch' >&2\n" +
            "echo 'pg_dump: detail: server version: 15.18 (Debian 15.18-0+deb12u1); pg_dump version: 13.16 (Debian 13.16-0+deb11u1)' >&2\nexit 1");
        var source = new PostgreSqlSource(PgSettings("postgres", bin: bin.Path));
        await using var stream = await source.StartDumpAsync(Ct);
        await stream.Content.CopyToAsync(Stream.Null, Ct);
        Assert.Equal("pg_dump 13 is older than the server 15: install a matching postgresql-client",
            (await Assert.ThrowsAsync<SourceException>(() => stream.CompleteAsync(Ct))).Message);
    }

    [PostgreSqlFact]
    public async Task An_empty_dump_fails_even_with_exit_code_0()
    {
        using var bin = FakeTools("exit 0");
        var source = new PostgreSqlSource(PgSettings("postgres", bin: bin.Path));
        await using var stream = await source.StartDumpAsync(Ct);
        await stream.Content.CopyToAsync(Stream.Null, Ct);
        Assert.Equal("pg_dump produced no output for database \"postgres\"",
            (await Assert.ThrowsAsync<SourceException>(() => stream.CompleteAsync(Ct))).Message);
    }

    [PostgreSqlFact]
    public async Task A_dump_abandoned_halfway_leaves_no_process()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, "CREATE TABLE t AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 50000) g");
            await using (var stream = await new PostgreSqlSource(PgSettings(db)).StartDumpAsync(Ct))
            {
                var head = new byte[100];
                await stream.Content.ReadExactlyAsync(head, Ct);
                Assert.NotEmpty(ToolChildren()); // pg_dump is blocked on the full pipe
            }
            AssertNoToolLeft();
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    [PostgreSqlFact]
    public async Task Restoring_garbage_fails_and_names_pg_restore()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            var source = new PostgreSqlSource(PgSettings(db));
            var e = await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream("not a dump at all"u8.ToArray()), null, Ct));
            Assert.Contains("does not appear to be a valid archive", e.Message, StringComparison.Ordinal);
            AssertNoToolLeft();
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    [Fact]
    public async Task Pg_restore_errors_fail_the_restore_unless_they_are_about_objects_a_non_owner_cannot_touch()
    {
        using var bin = new TestDirectory("fakerestore");
        WriteScript(bin.Sub("psql"), "exit 0"); // the target database exists
        WriteScript(bin.Sub("pg_restore"),
            "cat >/dev/null\n" +
            "echo 'pg_restore: error: could not execute query: ERROR:  must be owner of extension plpgsql' >&2\n" +
            "echo \"Command was: COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';\" >&2\n" +
            $"[ -e '{bin.Path}/serious' ] && echo 'pg_restore: error: could not execute query: ERROR:  relation \"shop.items\" does not exist' >&2\n" +
            "echo 'pg_restore: warning: errors ignored on restore: 1' >&2\nexit 1");
        var source = new PostgreSqlSource(new PostgreSqlSettings("main", "127.0.0.1", 1, "shop", "app", null, bin.Path));
        await source.RestoreAsync(new MemoryStream([1, 2, 3]), null, Ct); // only the harmless error: success

        // (A flag file, not a variable: the tools get a minimal environment.)
        File.WriteAllText(Path.Combine(bin.Path, "serious"), "");
        var e = await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream([1, 2, 3]), null, Ct));
        Assert.Equal("restore into database \"shop\" failed: pg_restore failed: could not execute query: relation \"shop.items\" does not exist", e.Message);
    }

    [Fact]
    public void Settings_never_print_the_password()
    {
        var s = new PostgreSqlSettings("main", "127.0.0.1", 5432, "shop", "app", "s3cret");
        Assert.DoesNotContain("s3cret", s.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A bin folder whose pg_dumpall prints a comment and whose pg_dump runs <paramref name="pgDumpBody"/>.</summary>
    private static TestDirectory FakeTools(string pgDumpBody)
    {
        var dir = new TestDirectory("fakepg");
        WriteScript(dir.Sub("pg_dumpall"), "echo '-- roles'");
        WriteScript(dir.Sub("pg_dump"), pgDumpBody);
        return dir;
    }

    private static void WriteScript(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Fingerprint(string db) => Psql(db, FingerprintQuery).StdOut;

    private static string SafeFingerprint(string db)
    {
        try { return Fingerprint(db); }
        catch (Xunit.Sdk.XunitException e) { return "broken: " + e.Message; }
    }

    /// <summary>The schema as pg_dump sees it (minus the per-run \restrict key).</summary>
    private static string Schema(string db)
    {
        var env = new Dictionary<string, string?> { ["PGPASSWORD"] = Pg("PASSWORD"), ["LC_ALL"] = "C.UTF-8" };
        var r = Runner.Run("/usr/bin/pg_dump", ["--schema-only", "-w", "-h", Pg("HOST"), "-p", Pg("PORT"), "-U", Pg("USER"), "-d", db], env);
        Assert.True(r.ExitCode == 0, r.Describe());
        return string.Join('\n', r.StdOut.Split('\n').Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal)));
    }
}

/// <summary>Compares descriptions by value (the row counts are a dictionary).</summary>
internal sealed class DescriptionComparer : IEqualityComparer<DatabaseDescription>
{
    public static readonly DescriptionComparer Instance = new();

    public bool Equals(DatabaseDescription? x, DatabaseDescription? y)
        => x is not null && y is not null && x.ServerVersion == y.ServerVersion
           && x.RowCounts.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(y.RowCounts.OrderBy(p => p.Key, StringComparer.Ordinal));

    public int GetHashCode(DatabaseDescription obj) => obj.ServerVersion.GetHashCode(StringComparison.Ordinal);
}
