namespace Coffre.Storage.Rest;

/// <summary>
/// A repository on a server speaking restic's REST protocol (restic's rest-server, <c>rclone serve restic</c>):
/// <c>rest:http(s)://[user:pass@]host:port/[prefix]</c>, restic's syntax. <see cref="Url"/> never holds the
/// credentials; <see cref="ToString"/> shows the user name and hides the password.
/// </summary>
public sealed record RestLocation
{
    public const string Scheme = "rest:";
    private const string Syntax = "rest:http(s)://[user:pass@]host:port/[prefix]";

    private RestLocation(Uri url, string? username, string? password)
    {
        Url = url;
        Username = username;
        Password = password;
    }

    /// <summary>The repository's base URL, ending with '/', without user information.</summary>
    public Uri Url { get; }

    /// <summary>The user name given in the location (null: none; <c>RESTIC_REST_USERNAME</c> may give one).</summary>
    public string? Username { get; }

    /// <summary>The password given in the location (null: none). Never printed.</summary>
    public string? Password { get; }

    public static bool IsRestLocation(string text) => text.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>Parses a location; the error never repeats the text (it may hold a password).</summary>
    public static RestLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsRestLocation(text)) throw Invalid("it does not start with rest:");
        var rest = text[Scheme.Length..];
        if (!Uri.TryCreate(rest, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw Invalid("the part after rest: is not an http:// or https:// URL");
        if (string.IsNullOrEmpty(uri.Host)) throw Invalid("the URL has no host");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) throw Invalid("the URL has a query or a fragment");
        if (rest.Any(char.IsControl) || rest.Contains(' ', StringComparison.Ordinal)) throw Invalid("the URL holds spaces or control characters");

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        var clean = new UriBuilder(uri.Scheme, uri.Host, uri.Port) { Path = path }.Uri;
        return new RestLocation(clean, string.IsNullOrEmpty(user) ? null : user, password);
    }

    private static CoffreException Invalid(string why) =>
        new($"not a REST location ({why}): write it as {Syntax}");

    /// <summary>Restic's form, with the password replaced by ***.</summary>
    public override string ToString()
    {
        if (Username is null && Password is null) return Scheme + Url;
        var auth = Uri.EscapeDataString(Username ?? "") + (Password is null ? "" : ":***");
        return $"{Scheme}{Url.Scheme}://{auth}@{Url.Authority}{Url.AbsolutePath}";
    }

    // Records compare and hash every field; keep the password out of any generated text as well.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Url = ").Append(Url).Append(", Username = ").Append(Username);
        return true;
    }
}
