using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Sources.MySql;

/// <summary>
/// The user's grants are saved with each dump (<c>NAME.grants.sql</c>: <c>SHOW GRANTS FOR CURRENT_USER()</c>, with the
/// password hashes left out). On a new server (docs/recovery.md), when the configured user cannot log in, the
/// administrator (<c>databases[].admin</c>) creates that account (<c>user@host</c> as saved) with the password of the
/// configuration's source, gives it back its privileges on the configured database (never a global privilege such as
/// FILE or SUPER, never GRANT OPTION, never on another database), and creates the database. An account that exists is
/// not changed.
/// </summary>
public sealed partial class MySqlSource : IRecreatableDatabase
{
    /// <summary>The extra file holding the user's grants (relative to <c>database/</c>).</summary>
    public string GrantsFileName => $"{settings.Name}.grants.sql";

    /// <summary>Database-level privileges a recreated account may get back.</summary>
    private static readonly HashSet<string> DatabasePrivileges = new(StringComparer.Ordinal)
    {
        "ALL PRIVILEGES", "ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "INDEX", "ALTER", "CREATE TEMPORARY TABLES",
        "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER", "REFERENCES", "DELETE HISTORY",
    };

    /// <summary>SHOW GRANTS of the user, without passwords; an SQL comment saying why when it cannot be read.</summary>
    private async Task<byte[]> SaveGrantsAsync(CancellationToken ct)
    {
        var client = Client();
        using var options = Options();
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--skip-column-names", "--raw", "-e", "SHOW GRANTS FOR CURRENT_USER()"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0)
            return Encoding.UTF8.GetBytes($"-- Coffre: the grants of user {settings.User} could not be read: {Explain(Path.GetFileName(client), result.ExitCode, result.Stderr, settings.Database).Message}\n");
        var text = new StringBuilder($"-- Coffre: SHOW GRANTS FOR CURRENT_USER() of user {settings.User} at backup time, passwords left out\n");
        foreach (var line in result.StdoutText.Split('\n').Where(l => l.StartsWith("GRANT ", StringComparison.Ordinal)))
            text.Append(Identified().Replace(line.TrimEnd('\r'), "")).Append(";\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public async Task<Recreated> RecreateMissingAsync(DatabaseAdmin? admin, IReadOnlyDictionary<string, byte[]> saved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var client = Client();
        using (var options = Options())
        {
            var probe = await ProcessRunner.RunAsync(client,
                [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "-e", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
            if (probe.ExitCode == 0) return Recreated.Nothing; // the user logs in: the restore creates the database itself when missing
            if (admin is null)
                throw new SourceException($"{Explain(Path.GetFileName(client), probe.ExitCode, probe.Stderr, settings.Database).Message}. On a new server, name an administrator in "
                    + $"databases[].admin (user and password source of an account that may create users and grant, e.g. root) so that the restore creates user {settings.User} and database {settings.Database}");
        }
        if (settings.Password is null)
            throw new SourceException($"user {settings.User} cannot log in and the configuration names no password for it: set databases[].passwordEnv (or passwordFile, passwordCommand) so that the restore creates it with that password");

        var (host, privileges, leftOut) = ReadGrants(saved.TryGetValue(GrantsFileName, out var file) ? file : []);
        var account = $"{Literal(settings.User)}@{Literal(host)}";
        var done = new List<string>();
        var exists = await AdminAsync(client, admin, $"SELECT COUNT(*) FROM mysql.user WHERE User = {Literal(settings.User)} AND Host = {Literal(host)}", ct).ConfigureAwait(false);
        var quoted = "`" + settings.Database.Replace("`", "``", StringComparison.Ordinal) + "`";
        var sql = new StringBuilder();
        if (exists.Trim() == "0")
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE USER {account} IDENTIFIED BY {Literal(settings.Password)};\n");
            sql.Append(CultureInfo.InvariantCulture, $"GRANT {string.Join(", ", privileges)} ON {quoted}.* TO {account};\n");
            done.Add($"user {settings.User}@{host} created with the configured password and {string.Join(", ", privileges)} on {settings.Database}"
                + (leftOut.Count > 0 ? $" (not given back: {string.Join("; ", leftOut)})" : ""));
        }
        var databases = await AdminAsync(client, admin, $"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {Literal(settings.Database)}", ct).ConfigureAwait(false);
        if (databases.Trim() == "0")
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4;\n");
            done.Add($"database {settings.Database} created");
        }
        if (sql.Length > 0) await AdminAsync(client, admin, sql.ToString(), ct).ConfigureAwait(false);
        return new Recreated(done, databases.Trim() == "0");
    }

    /// <summary>
    /// From the saved grants: the account's host, and the privileges it had on the configured database (a grant on a
    /// pattern such as <c>`app%`</c> that matches it counts); ALL PRIVILEGES when nothing was saved. What is not given
    /// back (global privileges, GRANT OPTION, other databases) is named.
    /// </summary>
    private (string Host, List<string> Privileges, List<string> LeftOut) ReadGrants(ReadOnlySpan<byte> file)
    {
        string? host = null;
        var privileges = new List<string>();
        var leftOut = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(file).Split('\n'))
        {
            var m = GrantLine().Match(line.TrimEnd('\r'));
            if (!m.Success || Unquote(m.Groups["user"].Value) != settings.User) continue;
            host ??= Unquote(m.Groups["host"].Value);
            if (m.Groups["option"].Success) leftOut.Add("GRANT OPTION");
            var target = m.Groups["db"].Value;
            var privs = m.Groups["privs"].Value.Split(", ").Select(p => p.Trim()).ToList();
            if (target == "*")
            {
                leftOut.AddRange(privs.Where(p => p != "USAGE").Select(p => p + " on *.*"));
                continue;
            }
            if (!Matches(Unquote(target), settings.Database) || m.Groups["table"].Value != "*")
            {
                if (m.Groups["table"].Value != "*") leftOut.Add($"privileges on table {m.Groups["table"].Value}");
                continue;
            }
            foreach (var p in privs)
                if (DatabasePrivileges.Contains(p)) { if (!privileges.Contains(p)) privileges.Add(p); }
                else leftOut.Add(p);
        }
        if (host is null || host.Length > 255 || host.Any(char.IsControl)) host = "%";
        if (privileges.Count == 0) privileges.Add("ALL PRIVILEGES");
        if (privileges.Contains("ALL PRIVILEGES") || privileges.Contains("ALL")) privileges = ["ALL PRIVILEGES"];
        return (host, privileges, leftOut.Distinct().ToList());
    }

    /// <summary>A database name against a grant's database pattern (<c>%</c>, <c>_</c>, <c>\</c> escapes as in MySQL).</summary>
    private static bool Matches(string pattern, string database)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length) regex.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '%') regex.Append(".*");
            else if (c == '_') regex.Append('.');
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return Regex.IsMatch(database, regex.Append('$').ToString(), RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] is '`' or '\'') && s[^1] == s[0] ? s[1..^1].Replace(new string(s[0], 2), s[0].ToString(), StringComparison.Ordinal) : s;

    /// <summary>A string as a MySQL literal (backslash escapes, the default SQL mode).</summary>
    private static string Literal(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal) + "'";

    /// <summary>SQL run as the administrator, fed on stdin; its password only in a 0600 option file.</summary>
    private async Task<string> AdminAsync(string client, DatabaseAdmin admin, string sql, CancellationToken ct)
    {
        using var options = admin.Password is null ? null : MySqlOptionFile.Create(admin.Password);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(sql));
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), "-h", settings.Host, "-P", settings.Port.ToString(CultureInfo.InvariantCulture), "-u", admin.User, ClientTimeout,
             "--batch", "--skip-column-names", "--binary-mode", "--default-character-set=utf8mb4"],
            admin.Password is null ? [] : [new("MYSQL_PWD", null)], ct, stdin: input, inherit: admin.Password is null ? ClientVariables : ClientVariablesWithoutPassword).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SourceException($"the administrator {admin.User} (databases[].admin) could not create what database {settings.Database} needs: "
                + Explain(Path.GetFileName(client), result.ExitCode, result.Stderr, settings.Database).Message);
        return result.StdoutText;
    }

    /// <summary>A password clause of SHOW GRANTS (a hash, or an authentication plugin's string): never saved.</summary>
    [GeneratedRegex(@" IDENTIFIED (?:BY PASSWORD '[^']*'|VIA [^']*?(?: USING '[^']*')?(?= WITH|$)|WITH \S+(?: AS '[^']*')?)")]
    private static partial Regex Identified();

    [GeneratedRegex(@"^GRANT (?<privs>[A-Z ,]+) ON (?<db>`(?:[^`]|``)*`|\*)\.(?<table>`(?:[^`]|``)*`|\*) TO (?<user>'(?:[^']|'')*'|`(?:[^`]|``)*`)@(?<host>'(?:[^']|'')*'|`(?:[^`]|``)*`)(?<option> WITH GRANT OPTION)?")]
    private static partial Regex GrantLine();
}
