using System.Text.RegularExpressions;

namespace Coffre.Sources.PostgreSql;

/// <summary>Turns the stderr of the PostgreSQL tools (run with LC_ALL=C.UTF-8, so in English) into one line naming the cause.</summary>
internal static partial class PostgreSqlErrors
{
    public static string Explain(string tool, int exitCode, string stderr, PostgreSqlSettings settings)
    {
        var server = settings.Host.StartsWith('/') ? $"PostgreSQL at {settings.Host} (port {settings.Port})" : $"PostgreSQL at {settings.Host}:{settings.Port}";
        if (exitCode == 0) return $"{tool} produced no output for database \"{settings.Database}\"";

        if (stderr.Contains("server version mismatch", StringComparison.Ordinal))
        {
            var m = VersionMismatch().Match(stderr);
            return m.Success
                ? $"{tool} {m.Groups["client"].Value} is older than the server {m.Groups["server"].Value}: install a matching postgresql-client"
                : $"{tool} does not match the server's version: install a matching postgresql-client";
        }
        if (stderr.Contains("Connection refused", StringComparison.Ordinal)
            || (stderr.Contains("No such file or directory", StringComparison.Ordinal) && stderr.Contains("Is the server running locally", StringComparison.Ordinal)))
            return $"{server} refused the connection (is the server running?)";
        if (stderr.Contains("could not translate host name", StringComparison.Ordinal))
            return $"unknown PostgreSQL host {settings.Host}";
        if (stderr.Contains("timeout expired", StringComparison.Ordinal))
            return $"{server} did not answer (connection timed out)";
        var auth = PasswordFailed().Match(stderr);
        if (auth.Success) return $"password authentication failed for user {auth.Groups["user"].Value} on {server}";
        if (stderr.Contains("no password supplied", StringComparison.Ordinal))
            return $"{server} wants a password for user {settings.User} and none was given";
        var noDb = DatabaseMissing().Match(stderr);
        if (noDb.Success) return $"database \"{noDb.Groups["db"].Value}\" does not exist";
        var noRole = RoleMissing().Match(stderr);
        if (noRole.Success && stderr.Contains("FATAL", StringComparison.Ordinal)) return $"role \"{noRole.Groups["role"].Value}\" does not exist on {server}";
        if (stderr.Contains("pg_hba.conf", StringComparison.Ordinal))
            return $"{server} does not accept connections from this host for user {settings.User} (pg_hba.conf)";

        var first = FirstError(stderr);
        return first is null ? $"{tool} failed with exit code {exitCode}" : $"{tool} failed: {first}";
    }

    /// <summary>The first error line without the tool's prefix, or the first non-empty line.</summary>
    public static string? FirstError(string stderr)
    {
        var lines = stderr.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var line = lines.FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        if (line is null) return null;
        var at = line.IndexOf("error:", StringComparison.Ordinal);
        if (at >= 0) line = line[(at + "error:".Length)..].Trim();
        return line.Replace("ERROR:  ", "", StringComparison.Ordinal).Replace("FATAL:  ", "", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"server version: (?<server>\d+)[^;\n]*;\s*\S+ version: (?<client>\d+)")]
    private static partial Regex VersionMismatch();

    [GeneratedRegex("password authentication failed for user \"(?<user>[^\"]*)\"")]
    private static partial Regex PasswordFailed();

    [GeneratedRegex("database \"(?<db>[^\"]*)\" does not exist")]
    private static partial Regex DatabaseMissing();

    [GeneratedRegex("role \"(?<role>[^\"]*)\" does not exist")]
    private static partial Regex RoleMissing();
}
