using System.Globalization;
using System.Text;

namespace Coffre.Sources.PostgreSql;

/// <summary>
/// A new server (docs/recovery.md): when the configured user cannot reach the database, the administrator
/// (<c>databases[].admin</c>) creates, from the roles saved with the backup, every missing role: the configured user
/// with LOGIN and the password of the configuration's source, the others NOLOGIN and without password (so the dump's
/// grants to them restore); the memberships among the roles it created; and the database, owned by the configured
/// user. A role's powers over the server (SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS) are never given back, and no
/// role that exists is changed.
/// </summary>
public sealed partial class PostgreSqlSource : IRecreatableDatabase
{
    public async Task<Recreated> RecreateMissingAsync(DatabaseAdmin? admin, IReadOnlyDictionary<string, byte[]> saved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var psql = Tool("psql");
        var probe = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-A", "-t", .. Connection(), "-d", ConnInfo(settings.Database), "-c", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (probe.ExitCode == 0) return Recreated.Nothing;
        var databaseMissing = probe.Stderr.Contains($"database \"{settings.Database}\" does not exist", StringComparison.Ordinal);
        if (admin is null)
        {
            if (databaseMissing) return Recreated.Nothing; // the user exists: the restore creates the database as that user (createdb)
            throw new SourceException($"{Explain("psql", probe.ExitCode, probe.Stderr).Message}. On a new server, name an administrator in databases[].admin "
                + $"(user and password source of a role that may create roles and databases, e.g. postgres) so that the restore creates role {settings.User} and database {settings.Database}");
        }

        var existing = await AdminListAsync(psql, admin, "SELECT rolname FROM pg_catalog.pg_roles", ct).ConfigureAwait(false);
        var roles = PostgreSqlRoles.Parse(saved.TryGetValue(RolesFileName, out var file) ? file : []);
        var done = new List<string>();
        var sql = new StringBuilder();
        var created = new HashSet<string>(StringComparer.Ordinal);
        if (!existing.Contains(settings.User))
        {
            var role = roles.Find(settings.User);
            sql.Append(CultureInfo.InvariantCulture, $"CREATE ROLE {PostgreSqlRoles.Quote(settings.User)} LOGIN {(role?.Inherit == false ? "NOINHERIT" : "INHERIT")}{(role?.CreateDb == true ? " CREATEDB" : "")}");
            sql.Append(settings.Password is null ? ";\n" : $" PASSWORD {PostgreSqlRoles.Literal(settings.Password)};\n");
            created.Add(settings.User);
            var left = role is { PowersLeftOut.Count: > 0 } ? $" (not given back: {string.Join(", ", role.PowersLeftOut)})" : "";
            done.Add($"role {settings.User} created (LOGIN{(settings.Password is null ? ", no password: the configuration names no password source" : ", the configured password")}){left}");
        }
        foreach (var role in roles.Roles.Where(r => !existing.Contains(r.Name) && !created.Contains(r.Name)))
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE ROLE {PostgreSqlRoles.Quote(role.Name)} NOLOGIN {(role.Inherit ? "INHERIT" : "NOINHERIT")};\n");
            created.Add(role.Name);
        }
        if (created.Count > done.Count)
            done.Add($"{created.Count - done.Count} other role(s) of the backup created without login or password: {string.Join(", ", created.Where(r => r != settings.User).Take(10))}{(created.Count - done.Count > 10 ? ", ..." : "")}");
        var grants = 0;
        foreach (var (role, member) in roles.Memberships.Where(g => created.Contains(g.Role) && created.Contains(g.Member)).Distinct())
        {
            sql.Append(CultureInfo.InvariantCulture, $"GRANT {PostgreSqlRoles.Quote(role)} TO {PostgreSqlRoles.Quote(member)};\n");
            grants++;
        }
        if (grants > 0) done.Add($"{grants} membership(s) among them granted again");
        if (sql.Length > 0) await AdminRunAsync(psql, admin, sql.ToString(), singleTransaction: true, ct).ConfigureAwait(false);

        var databaseCreated = false;
        var databases = await AdminListAsync(psql, admin, $"SELECT datname FROM pg_catalog.pg_database WHERE datname = {PostgreSqlRoles.Literal(settings.Database)}", ct).ConfigureAwait(false);
        if (databases.Count == 0)
        {
            // Not in a transaction: CREATE DATABASE cannot run inside one.
            await AdminRunAsync(psql, admin, $"CREATE DATABASE {PostgreSqlRoles.Quote(settings.Database)} OWNER {PostgreSqlRoles.Quote(settings.User)} TEMPLATE template0;\n", singleTransaction: false, ct).ConfigureAwait(false);
            done.Add($"database {settings.Database} created, owned by {settings.User}");
            databaseCreated = true;
        }
        return new Recreated(done, databaseCreated);
    }

    private async Task<HashSet<string>> AdminListAsync(string psql, DatabaseAdmin admin, string query, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "--record-separator-zero", .. AdminConnection(admin), "-d", "postgres", "-c", query],
            AdminEnvironment(admin), ct, inherit: admin.Password is null ? LibPq : LibPqWithoutPassword).ConfigureAwait(false);
        if (result.ExitCode != 0) throw AdminFailed(admin, result);
        return [.. result.StdoutText.Split('\0').Select(l => l.TrimStart('\n')).Where(l => l.Length > 0)];
    }

    /// <summary>Runs SQL as the administrator, from stdin (the new role's password never appears in argv).</summary>
    private async Task AdminRunAsync(string psql, DatabaseAdmin admin, string sql, bool singleTransaction, CancellationToken ct)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(sql));
        var result = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", .. singleTransaction ? ["--single-transaction"] : Array.Empty<string>(), .. AdminConnection(admin), "-d", "postgres", "-f", "-"],
            AdminEnvironment(admin), ct, stdin: input, inherit: admin.Password is null ? LibPq : LibPqWithoutPassword).ConfigureAwait(false);
        if (result.ExitCode != 0) throw AdminFailed(admin, result);
    }

    private SourceException AdminFailed(DatabaseAdmin admin, ToolResult result) =>
        new($"the administrator {admin.User} (databases[].admin) could not create what database {settings.Database} needs: {PostgreSqlErrors.FirstError(result.Stderr) ?? $"psql exited with {result.ExitCode}"}");

    private string[] AdminConnection(DatabaseAdmin admin)
        => ["-w", "-h", settings.Host, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", admin.User];

    private static List<KeyValuePair<string, string?>> AdminEnvironment(DatabaseAdmin admin)
    {
        var env = new List<KeyValuePair<string, string?>> { new("PGCONNECT_TIMEOUT", "15"), new("PGCLIENTENCODING", "UTF8"), new("PGAPPNAME", "coffre") };
        if (admin.Password is not null) env.Add(new("PGPASSWORD", admin.Password));
        return env;
    }
}
