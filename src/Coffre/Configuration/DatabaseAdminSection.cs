namespace Coffre.Configuration;

/// <summary>
/// <c>databases[].admin</c> (postgresql, mysql): a user of the database server that may create roles, users and
/// databases, used only by a restore that finds them missing (a new machine, docs/recovery.md): it creates the
/// application's user from the roles or grants saved with the backup, and its database. Never used to restore data.
/// </summary>
public sealed class DatabaseAdminSection : IPasswordSource
{
    /// <summary>The administrator's user name on the server (PostgreSQL: e.g. <c>postgres</c>; MariaDB: e.g. <c>root</c>).</summary>
    public string? User { get; set; }

    /// <inheritdoc/>
    public string? PasswordEnv { get; set; }

    /// <inheritdoc/>
    public string? PasswordFile { get; set; }

    /// <inheritdoc/>
    public string? PasswordCommand { get; set; }

    /// <summary>The <c>databases[i].admin</c> problems: a user is required, at most one password source, only for server engines.</summary>
    internal static void Validate(string key, DatabaseSection db, Sources.IDatabaseEngine? engine, Action<string, string> error, Action<string, IPasswordSource> passwordSourceErrors)
    {
        if (db.Admin is not { } admin) return;
        if (engine is { IsFileBased: true })
        {
            error($"{key}.admin", $"\"admin\" is for database servers; a {engine.Name} database is a file");
            return;
        }
        if (string.IsNullOrWhiteSpace(admin.User)) error($"{key}.admin.user", "the administrator's user name on the server is required");
        passwordSourceErrors($"{key}.admin", admin);
    }
}
