using System.Globalization;

namespace Coffre.Storage.Sftp;

/// <summary>
/// A repository reached over SFTP through the system <c>ssh</c>, written as restic writes it:
/// <c>sftp:user@host:/abs/path</c>, <c>sftp:host:relative/path</c> (relative to the login folder), or
/// <c>sftp://user@host:port//abs/path</c> (one slash after the host: relative). No password ever appears here:
/// authentication is ssh's business (keys, agent, ssh_config).
/// </summary>
public sealed record SftpLocation(string? User, string Host, int? Port, string Path)
{
    public const string Scheme = "sftp:";

    public static bool IsSftp(string location) => location.StartsWith(Scheme, StringComparison.Ordinal);

    public static SftpLocation Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!IsSftp(location)) throw Invalid(location, "it does not start with sftp:");
        var rest = location[Scheme.Length..];
        return rest.StartsWith("//", StringComparison.Ordinal) ? ParseUrl(location, rest[2..]) : ParseShort(location, rest);
    }

    /// <summary><c>[user@]host[:port]/path</c>: one slash ends the host; the path after it is relative unless it starts with another slash.</summary>
    private static SftpLocation ParseUrl(string location, string rest)
    {
        var slash = rest.IndexOf('/', rest.StartsWith('[') ? Math.Max(0, rest.IndexOf(']', StringComparison.Ordinal)) : 0);
        if (slash < 0) throw Invalid(location, "there is no path after the host (sftp://user@host:port//absolute/path)");
        var authority = rest[..slash];
        var path = Uri.UnescapeDataString(rest[(slash + 1)..]);
        var (user, hostPort) = SplitUser(location, authority);
        string host;
        int? port = null;
        var portSep = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.LastIndexOf(':');
        if (portSep > 0 && (!hostPort.StartsWith('[') || portSep > 1))
        {
            host = hostPort[..portSep];
            var p = hostPort[(portSep + 1)..];
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
                throw Invalid(location, $"the port '{p}' is not a number from 1 to 65535");
            port = n;
        }
        else host = hostPort;
        return Checked(location, user, Unbracket(host), port, path);
    }

    /// <summary><c>[user@]host:path</c> (scp's syntax).</summary>
    private static SftpLocation ParseShort(string location, string rest)
    {
        var from = rest.StartsWith('[') || rest.Contains("@[", StringComparison.Ordinal) ? rest.IndexOf(']', StringComparison.Ordinal) : 0;
        var colon = from < 0 ? -1 : rest.IndexOf(':', from);
        if (colon < 0) throw Invalid(location, "there is no ':' between the host and the path (sftp:user@host:/path)");
        var (user, host) = SplitUser(location, rest[..colon]);
        return Checked(location, user, Unbracket(host), null, rest[(colon + 1)..]);
    }

    private static (string? User, string HostPart) SplitUser(string location, string authority)
    {
        var at = authority.LastIndexOf('@');
        if (at < 0) return (null, authority);
        var user = Uri.UnescapeDataString(authority[..at]);
        if (user.Contains(':', StringComparison.Ordinal))
            throw Invalid(location, "it holds a password: SFTP logs in with ssh keys (or ssh's own configuration), never a password in the location");
        return (user, authority[(at + 1)..]);
    }

    private static string Unbracket(string host) => host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    private static SftpLocation Checked(string location, string? user, string host, int? port, string path)
    {
        if (host.Length == 0) throw Invalid(location, "the host is empty");
        // A host or user starting with '-' would be read by ssh as an option.
        if (host[0] == '-' || host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '@' or '/' or '\\'))
            throw Invalid(location, $"'{host}' is not a host name");
        if (user is not null && (user.Length == 0 || user[0] == '-' || user.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '@')))
            throw Invalid(location, "the user name is empty or holds a space, a control character or starts with '-'");
        if (path.Length == 0) throw Invalid(location, "the path is empty");
        if (path.Any(char.IsControl)) throw Invalid(location, "the path holds a control character");
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return new SftpLocation(user, host, port, trimmed.Length == 0 ? "/" : trimmed);
    }

    private static FormatException Invalid(string location, string why) =>
        new($"'{Redacted(location)}' is not an SFTP location ({why}); write sftp:user@host:/path, sftp:host:relative/path or sftp://user@host:port//path");

    /// <summary>The location with any password of a <c>user:password@</c> part replaced (for messages).</summary>
    private static string Redacted(string location) =>
        System.Text.RegularExpressions.Regex.Replace(location, "^(sftp://[^@/:]*):[^@/]*@", "$1:***@", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    public override string ToString()
    {
        var user = User is null ? "" : User + "@";
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        if (Port is null) return $"{Scheme}{user}{host}:{Path}";
        return $"{Scheme}//{user}{host}:{Port.Value.ToString(CultureInfo.InvariantCulture)}/{Path}";
    }
}
