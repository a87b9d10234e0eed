namespace Coffre.Configuration;

/// <summary>
/// The application backup configuration, <c>coffre.json</c> (docs/configuration.md). Plain classes bound with
/// Microsoft.Extensions.Configuration by <see cref="ConfigLoader"/>; every public settable property is a key of
/// the file (camelCase in the file, case-insensitive). After loading, relative paths are already resolved against
/// the file's folder and the per-engine defaults are filled in.
/// </summary>
public sealed class CoffreConfig
{
    /// <summary>The application's name: the snapshots' tag <c>app:&lt;name&gt;</c>. Required.</summary>
    public string? Application { get; set; }

    public RepositorySection Repository { get; set; } = new();

    public List<DatabaseSection> Databases { get; set; } = [];

    public List<MediaSection> Media { get; set; } = [];

    public RetentionSection Retention { get; set; } = new();

    /// <summary>More repositories each backup is copied to (docs/copies.md).</summary>
    public List<CopySection> Copies { get; set; } = [];

    public HooksSection Hooks { get; set; } = new();

    public ScheduleSection Schedule { get; set; } = new();

    public DrillSection Drill { get; set; } = new();

    public LoggingSection Logging { get; set; } = new();

    public AlertsSection Alerts { get; set; } = new();

    public ServerSection Server { get; set; } = new();

    /// <summary>The file this configuration was loaded from (absolute), or null when built in code.</summary>
    public string? FilePath { get; internal set; }

    /// <summary>Problems found while reading the file: unknown keys, literal passwords, values of the wrong type.</summary>
    internal List<ConfigError> LoadErrors { get; } = [];
}

/// <summary>Where snapshots go and how the repository password is obtained (exactly one source).</summary>
public sealed class RepositorySection : IPasswordSource
{
    public const string DefaultPath = "./backups";

    /// <summary>
    /// The repository folder; default <c>./backups</c> next to the configuration file. After loading: the local
    /// repository's absolute folder, or null when <see cref="Location"/> is a remote one.
    /// </summary>
    public string? Path { get; set; } = DefaultPath;

    /// <summary>
    /// Where the repository is, in restic's syntax (a path, <c>local:/path</c>, <c>s3:…</c>, <c>rest:…</c>,
    /// <c>rclone:…</c>, <c>sftp:…</c>; see <see cref="Storage.RepositoryLocation"/>); wins over <see cref="Path"/>.
    /// After loading it always holds the location in force (a local path made absolute).
    /// </summary>
    public string? Location { get; set; }

    /// <summary>
    /// The folder of local state that is not the repository (journal, logs, incidents, the service's keys);
    /// default: beside a local repository, or a per-repository folder under $XDG_STATE_HOME for a remote one.
    /// </summary>
    public string? State { get; set; }

    /// <summary>The location in force: <see cref="Location"/>, else <see cref="Path"/>, else the default folder.</summary>
    public string LocationInForce => Location ?? Path ?? DefaultPath;

    /// <summary>
    /// The storage's credentials by the variable restic reads (<c>AWS_ACCESS_KEY_ID</c>, <c>RESTIC_REST_PASSWORD</c>…),
    /// each from a source, never literal (<see cref="BackendCredentials"/>); they win over the process environment.
    /// </summary>
    public Dictionary<string, CredentialSource> Credentials { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public string? PasswordEnv { get; set; }

    /// <inheritdoc/>
    public string? PasswordFile { get; set; }

    /// <inheritdoc/>
    public string? PasswordCommand { get; set; }
}

/// <summary>A database to dump: <c>postgresql</c> and <c>mysql</c> (MySQL or MariaDB) servers, or a <c>sqlite</c> file.</summary>
public sealed class DatabaseSection : IPasswordSource, Sources.IDatabaseSettings
{
    /// <summary>The dump's name in the snapshot (<c>database/&lt;name&gt;.&lt;ext&gt;</c>); default: <see cref="Database"/>, or the SQLite file's name without extension.</summary>
    public string? Name { get; set; }

    /// <summary><c>postgresql</c>, <c>mysql</c> or <c>sqlite</c> (see <see cref="Sources.DatabaseEngines"/>).</summary>
    public string? Engine { get; set; }

    /// <summary>Server host (postgresql, mysql); default 127.0.0.1.</summary>
    public string? Host { get; set; }

    /// <summary>Server port (postgresql, mysql); default 5432 or 3306.</summary>
    public int? Port { get; set; }

    /// <summary>The database's name on the server (postgresql, mysql). Required for those engines.</summary>
    public string? Database { get; set; }

    /// <summary>The user to connect as (postgresql, mysql). Required for those engines.</summary>
    public string? User { get; set; }

    /// <summary>The database file (sqlite). Required for that engine.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// The folder of the client tools (postgresql: <c>pg_dump</c>, <c>pg_dumpall</c>, <c>psql</c>...; mysql:
    /// <c>mariadb-dump</c>/<c>mysqldump</c>...), e.g. <c>/usr/lib/postgresql/17/bin</c>; default <c>/usr/bin</c>.
    /// </summary>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// postgresql, mysql: let a restore (and a drill) run as a user with powers over the server (a superuser; MySQL's
    /// FILE or SUPER). Default false: refused, since a hostile dump would run programs or touch files on the server.
    /// </summary>
    public bool? AllowPrivilegedRestore { get; set; }

    /// <summary>postgresql, mysql: who creates the user and the database when a restore finds them missing (docs/recovery.md).</summary>
    public DatabaseAdminSection? Admin { get; set; }

    /// <inheritdoc/>
    public string? PasswordEnv { get; set; }

    /// <inheritdoc/>
    public string? PasswordFile { get; set; }

    /// <inheritdoc/>
    public string? PasswordCommand { get; set; }
}

/// <summary>A folder of files (uploads, media) backed up as <c>media/&lt;name&gt;/...</c>.</summary>
public sealed class MediaSection
{
    /// <summary>The folder. Required.</summary>
    public string? Path { get; set; }

    /// <summary>The folder's name in the snapshot; default: the last element of <see cref="Path"/>.</summary>
    public string? Name { get; set; }

    /// <summary>Patterns (relative to the folder, <c>*</c>, <c>**</c>) of files and folders to leave out.</summary>
    public List<string> Exclude { get; set; } = [];
}

/// <summary>
/// Which snapshots <c>forget</c> keeps; a snapshot kept by any rule is kept. Default: every snapshot of the last 30
/// days and no other rule. Null means "no such rule".
/// </summary>
public sealed class RetentionSection
{
    public const int DefaultKeepWithinDays = 30;

    /// <summary>Keep every snapshot younger than this many days (0: no such rule).</summary>
    public int? KeepWithinDays { get; set; } = DefaultKeepWithinDays;

    /// <summary>Keep the newest N snapshots.</summary>
    public int? Last { get; set; }

    /// <summary>Keep the newest snapshot of each of the last N days that have one.</summary>
    public int? Daily { get; set; }

    public int? Weekly { get; set; }

    public int? Monthly { get; set; }

    public int? Yearly { get; set; }
}

/// <summary>Shell commands (<c>/bin/sh -c</c>) run around a restore; a non-zero exit code stops the restore.</summary>
public sealed class HooksSection
{
    /// <summary>Before anything is overwritten, e.g. <c>systemctl stop boutique</c>.</summary>
    public string? PreRestore { get; set; }

    /// <summary>After the restore, e.g. <c>systemctl start boutique</c>.</summary>
    public string? PostRestore { get; set; }
}

/// <summary>When <c>coffre backup</c>, the drills, <c>coffre prune</c> and <c>coffre check</c> run on their own (used by the scheduler).</summary>
public sealed class ScheduleSection
{
    /// <summary><c>hourly</c>, <c>daily HH:MM</c>, <c>weekly DAY HH:MM</c> (DAY: mon..sun), <c>monthly D HH:MM</c> (D: 1..31, the last day in shorter months) or a five-field cron expression (<see cref="Scheduling.Schedule"/>).</summary>
    public string? Backup { get; set; }

    /// <summary>When a sampled restore drill runs (<c>coffre drill</c>; sample size: <see cref="DrillSection.SamplePercent"/>), e.g. <c>daily 04:00</c>.</summary>
    public string? Drill { get; set; }

    /// <summary>When a full restore drill runs (<c>coffre drill --full</c>), e.g. <c>weekly sun 05:00</c>.</summary>
    public string? FullDrill { get; set; }

    /// <summary>When unused data is freed (<c>coffre prune</c>, after the rotation each backup runs), e.g. <c>weekly sun 06:00</c>.</summary>
    public string? Prune { get; set; }

    /// <summary>When the repository's structure is checked (<c>coffre check</c>, no data read), e.g. <c>daily 07:00</c>.</summary>
    public string? Check { get; set; }
}

/// <summary>How <c>coffre drill</c> tests restores.</summary>
public sealed class DrillSection
{
    public const double DefaultSamplePercent = 10;

    /// <summary>Share of the media files a sampled drill restores and compares, in percent (default 10).</summary>
    public double? SamplePercent { get; set; } = DefaultSamplePercent;
}

/// <summary>Where Coffre writes its run journal (docs/logging.md, <see cref="Journal.RunJournal"/>).</summary>
public sealed class LoggingSection
{
    public static IReadOnlyList<string> Levels { get; } = ["debug", "info", "warning", "error"];

    /// <summary>The folder of backup.log and history.jsonl; none: a <c>logs</c> folder beside the repository folder.</summary>
    public string? Path { get; set; }

    /// <summary><c>debug</c>, <c>info</c> (default), <c>warning</c> or <c>error</c>: which runs get a line in backup.log.</summary>
    public string? Level { get; set; }
}

/// <summary>Who is told when something goes wrong (docs/alerts.md): once per incident, and again when it is resolved.</summary>
public sealed class AlertsSection
{
    public WebhookAlert Webhook { get; set; } = new();

    public EmailAlert Email { get; set; } = new();

    /// <summary>After a backup, raise a disk-space incident when the repository's file system has less than this share free (percent).</summary>
    public double? DiskFreeThresholdPercent { get; set; }

    /// <summary>After a backup, raise a disk-space incident when the repository's file system has fewer free bytes than this.</summary>
    public long? DiskFreeThresholdBytes { get; set; }

    /// <summary>Seconds to wait before each new attempt after a failed delivery; none: 1, 5 and 30 (four attempts).</summary>
    public List<int>? RetryDelaysSeconds { get; set; }
}

/// <summary>An HTTP POST of a JSON message.</summary>
public sealed class WebhookAlert
{
    /// <summary>An absolute http(s) URL; none: no webhook.</summary>
    public string? Url { get; set; }

    /// <summary><c>json</c> (default; Coffre's own schema), <c>slack</c> or <c>teams</c> (see Coffre.Alerts.WebhookFormats).</summary>
    public string? Format { get; set; }

    /// <summary>Extra request headers, e.g. an Authorization header whose value comes from an environment variable.</summary>
    public List<WebhookHeader> Headers { get; set; } = [];
}

/// <summary>One request header of a webhook: a literal value, or (for anything secret) the name of a variable holding it.</summary>
public sealed class WebhookHeader
{
    public string? Name { get; set; }

    /// <summary>The value itself; for what is not secret (X-Source: coffre).</summary>
    public string? Value { get; set; }

    /// <summary>The name of an environment variable holding the value (a token).</summary>
    public string? ValueEnv { get; set; }
}

/// <summary>A mail through an SMTP server, over STARTTLS by default.</summary>
public sealed class EmailAlert : IPasswordSource
{
    public const int DefaultPort = 587;

    /// <summary>The SMTP server; none: no mail.</summary>
    public string? Host { get; set; }

    /// <summary>Default 587 (submission).</summary>
    public int? Port { get; set; }

    public string? From { get; set; }

    public List<string> To { get; set; } = [];

    /// <summary>The SMTP login (AUTH PLAIN or LOGIN, only over TLS); none: no login.</summary>
    public string? User { get; set; }

    /// <inheritdoc/>
    public string? PasswordEnv { get; set; }

    /// <inheritdoc/>
    public string? PasswordFile { get; set; }

    /// <inheritdoc/>
    public string? PasswordCommand { get; set; }

    /// <summary>Switch to TLS with STARTTLS before anything else, and refuse a server that does not offer it (default true).</summary>
    public bool? StartTls { get; set; }
}

/// <summary>Where a password comes from: an environment variable, a file (mode 0600), or a command. Never the password itself.</summary>
public interface IPasswordSource
{
    /// <summary>The name of an environment variable holding the password.</summary>
    string? PasswordEnv { get; }

    /// <summary>A file (not readable by group or others) whose first line is the password.</summary>
    string? PasswordFile { get; }

    /// <summary>A shell command whose first line of output is the password, e.g. <c>pass show coffre</c>.</summary>
    string? PasswordCommand { get; }
}

/// <summary>One problem in the configuration: <paramref name="Key"/> is its path, e.g. <c>databases[1].engine</c>.</summary>
public sealed record ConfigError(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}
