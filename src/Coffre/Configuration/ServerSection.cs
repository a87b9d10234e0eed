namespace Coffre.Configuration;

/// <summary><c>coffre serve</c> (docs/service.md): where it listens, who may log in, and how Prometheus authenticates.</summary>
public sealed class ServerSection
{
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary><c>ADDRESS:PORT</c>; default 127.0.0.1:8080 (only this machine: put a TLS reverse proxy in front for more).</summary>
    public string? Listen { get; set; } = DefaultListen;

    public AdminSection Admin { get; set; } = new();

    /// <summary>The environment variable holding the bearer token of <c>/metrics</c> (never the token itself).</summary>
    public string? MetricsTokenEnv { get; set; }

    /// <summary>A file (0600) holding the bearer token of <c>/metrics</c>.</summary>
    public string? MetricsTokenFile { get; set; }

    /// <summary>Whether the dashboard offers restores (a backup's page, the name typed to confirm: docs/service.md); false (the default): no link, and its routes answer 404.</summary>
    public bool AllowRestore { get; set; }

    /// <summary>
    /// The reverse proxies (addresses like <c>127.0.0.1</c>, or networks like <c>10.0.0.0/8</c>) whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> headers the dashboard believes: the login throttle and the
    /// journal then see the real client, and the cookies are Secure behind https. Empty (the default): no header is believed.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}

/// <summary>The dashboard's one account.</summary>
public sealed class AdminSection
{
    public string? User { get; set; }

    /// <summary>
    /// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64), made by <c>coffre serve hash-password</c>. A one-way hash,
    /// not the password: it may sit in coffre.json.
    /// </summary>
    public string? PasswordHash { get; set; }
}
