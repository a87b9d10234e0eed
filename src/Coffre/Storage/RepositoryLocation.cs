using System.Text.RegularExpressions;

namespace Coffre.Storage;

/// <summary>
/// Where a repository is, as given by -r, $COFFRE_REPOSITORY or coffre.json's <c>repository.location</c>, in
/// restic's syntax: a path or <c>local:/path</c>, <c>s3:https://host[:port]/bucket[/prefix]</c>,
/// <c>rest:http(s)://[user:pass@]host:port/[prefix]</c>, <c>rclone:remote:path</c>, <c>sftp:user@host:/path</c>.
/// <see cref="Text"/> is what follows the scheme (for a local one: the path); each backend parses its own.
/// </summary>
public sealed partial record RepositoryLocation(string Kind, string Text)
{
    public const string Local = "local";

    /// <summary>The schemes Coffre knows, local first; <see cref="BackendOpener"/> holds what opens each.</summary>
    public static readonly IReadOnlyList<string> Kinds = [Local, "s3", "rest", "rclone", "sftp"];

    public bool IsLocal => Kind == Local;

    /// <summary>
    /// Reads a location. A known scheme followed by ':' selects that kind; anything else is a local path (as
    /// restic does). Throws <see cref="CoffreException"/> (exit 10) for an empty location or a scheme with nothing after it.
    /// </summary>
    public static RepositoryLocation Parse(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
            throw new CoffreException("no repository given: use -r/--repo LOCATION, set COFFRE_REPOSITORY, or run where coffre.json is", ExitCodes.NoRepository);
        if (location.Contains('\0', StringComparison.Ordinal))
            throw new CoffreException("the repository location contains a NUL character", ExitCodes.NoRepository);
        var colon = location.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var scheme = location[..colon];
            var kind = Kinds.FirstOrDefault(k => k.Equals(scheme, StringComparison.Ordinal));
            if (kind is not null)
            {
                var rest = location[(colon + 1)..];
                if (rest.Length == 0)
                    throw new CoffreException($"the repository location \"{kind}:\" names nothing after the scheme, e.g. {Example(kind)}", ExitCodes.NoRepository);
                return new RepositoryLocation(kind, rest);
            }
        }
        return new RepositoryLocation(Local, location);
    }

    /// <summary>
    /// How a location is recorded (journal, metrics, dashboard): a local one as its absolute path, a remote one
    /// with its password masked.
    /// </summary>
    public static string Canonical(string location)
    {
        var l = Parse(location);
        return l.IsLocal ? Path.GetFullPath(l.Text) : l.ToString();
    }

    /// <summary>The location as given, with any password in a URL (<c>user:pass@</c>) masked: safe for messages and logs.</summary>
    public override string ToString() => IsLocal ? Text : $"{Kind}:{Redact(Text)}";

    /// <summary>Masks the password of <c>scheme://user:pass@host</c>.</summary>
    public static string Redact(string text) => UrlPassword().Replace(text, "$1***@");

    internal static string Example(string kind) => kind switch
    {
        "s3" => "s3:https://host:port/bucket/prefix",
        "rest" => "rest:https://host:8000/prefix",
        "rclone" => "rclone:remote:path",
        "sftp" => "sftp:user@host:/path",
        _ => "local:/srv/backups",
    };

    [GeneratedRegex(@"(://[^/@:]*:)[^/@]*@")]
    private static partial Regex UrlPassword();
}
