using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Sources.PostgreSql;

/// <summary>
/// The roles a backup saved (<c>NAME.roles.sql</c>, <c>pg_dumpall --roles-only</c>), read as data: each role's name and
/// the attributes a restore may give back (LOGIN, INHERIT, CREATEDB), and the memberships. The file comes from a
/// repository someone else may have written: nothing in it is run; a statement that is not one of pg_dumpall's is
/// skipped, and the powers over the server (SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS) are never given back.
/// </summary>
public sealed partial class PostgreSqlRoles
{
    /// <summary>More roles than this in one file: not pg_dumpall's output of a real cluster.</summary>
    public const int MaxRoles = 10_000;

    private static readonly string[] Powers = ["SUPERUSER", "CREATEROLE", "REPLICATION", "BYPASSRLS"];

    public sealed class Role(string name)
    {
        public string Name { get; } = name;
        public bool Login { get; set; }
        public bool Inherit { get; set; } = true;
        public bool CreateDb { get; set; }

        /// <summary>Powers the saved role had and a restore does not give back.</summary>
        public List<string> PowersLeftOut { get; } = [];
    }

    public List<Role> Roles { get; } = [];

    /// <summary>(Role, Member): Member is granted Role.</summary>
    public List<(string Role, string Member)> Memberships { get; } = [];

    public Role? Find(string name) => Roles.Find(r => r.Name == name);

    public static PostgreSqlRoles Parse(ReadOnlySpan<byte> file)
    {
        var roles = new PostgreSqlRoles();
        foreach (var raw in Encoding.UTF8.GetString(file).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            Match m;
            if ((m = CreateRole().Match(line)).Success)
            {
                var name = Identifier(m.Groups["name"].Value);
                if (name is null || roles.Find(name) is not null) continue;
                if (roles.Roles.Count >= MaxRoles) throw new SourceException($"the saved roles name more than {MaxRoles} roles: not pg_dumpall's output (damaged or forged)");
                roles.Roles.Add(new Role(name));
            }
            else if ((m = AlterRole().Match(line)).Success)
            {
                if (Identifier(m.Groups["name"].Value) is not { } name || roles.Find(name) is not { } role) continue;
                foreach (var word in m.Groups["attrs"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    switch (word)
                    {
                        case "LOGIN": role.Login = true; break;
                        case "NOLOGIN": role.Login = false; break;
                        case "INHERIT": role.Inherit = true; break;
                        case "NOINHERIT": role.Inherit = false; break;
                        case "CREATEDB": role.CreateDb = true; break;
                        case "NOCREATEDB": role.CreateDb = false; break;
                        default:
                            if (Powers.Contains(word, StringComparer.Ordinal)) role.PowersLeftOut.Add(word);
                            break;
                    }
                }
            }
            else if ((m = Grant().Match(line)).Success)
            {
                if (Identifier(m.Groups["role"].Value) is { } granted && Identifier(m.Groups["member"].Value) is { } member && roles.Memberships.Count < MaxRoles * 4)
                    roles.Memberships.Add((granted, member));
            }
        }
        return roles;
    }

    /// <summary>A name as pg_dumpall writes it (bare lower-case, or double-quoted with "" for "), or null when it is neither.</summary>
    private static string? Identifier(string text)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var inner = text[1..^1];
            if (inner.Replace("\"\"", "", StringComparison.Ordinal).Contains('"', StringComparison.Ordinal)) return null;
            var name = inner.Replace("\"\"", "\"", StringComparison.Ordinal);
            return Valid(name) ? name : null;
        }
        return BareName().IsMatch(text) && Valid(text) ? text : null;
    }

    private static bool Valid(string name) =>
        name.Length > 0 && Encoding.UTF8.GetByteCount(name) <= 63 && !name.Any(char.IsControl) && !name.StartsWith("pg_", StringComparison.Ordinal);

    /// <summary>A role name as SQL: double-quoted, " doubled.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A string as an SQL literal (standard_conforming_strings, on since PostgreSQL 9.1): ' doubled.</summary>
    public static string Literal(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new SourceException("a name or password holds a NUL character, which PostgreSQL does not accept");
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private const string Name = "(?<name>\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)";

    [GeneratedRegex("^CREATE ROLE " + Name + ";$")]
    private static partial Regex CreateRole();

    [GeneratedRegex("^ALTER ROLE " + Name + " WITH (?<attrs>[A-Z ]+?)(?: CONNECTION LIMIT -?[0-9]+)?(?: VALID UNTIL '[^']*')?;$")]
    private static partial Regex AlterRole();

    [GeneratedRegex("^GRANT (?<role>\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*) TO (?<member>\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)(?: WITH [A-Z ,]+)?(?: GRANTED BY (?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*))?;$")]
    private static partial Regex Grant();

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex BareName();
}
