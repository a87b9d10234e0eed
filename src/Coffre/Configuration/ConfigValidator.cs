using System.Globalization;
using System.Text.RegularExpressions;
using Alerts_ = Coffre.Alerts;

namespace Coffre.Configuration;

/// <summary>
/// Checks a loaded <see cref="CoffreConfig"/> and names each faulty key (<c>databases[1].engine</c>). Looks at the
/// file system (password files, SQLite files and media folders must exist) but never reads a password, runs a
/// command or connects to a database.
/// </summary>
public static partial class ConfigValidator
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static IReadOnlyList<ConfigError> Validate(CoffreConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var errors = new List<ConfigError>(c.LoadErrors);
        void Error(string key, string message) => errors.Add(new ConfigError(key, message));

        if (string.IsNullOrWhiteSpace(c.Application))
            Error("application", "the application's name is required, e.g. \"application\": \"boutique\"");
        else if (c.Application.Any(ch => ch == ',' || char.IsWhiteSpace(ch) || char.IsControl(ch)))
            Error("application", $"\"{c.Application}\" cannot contain spaces or commas (it becomes the tag app:<name>)");

        if (string.IsNullOrWhiteSpace(c.Repository.Location))
            Error("repository.path", "the repository folder is required, e.g. \"./backups\" (or a \"location\", e.g. \"s3:https://host/bucket\")");
        else
        {
            try { Storage.RepositoryLocation.Parse(c.Repository.Location); }
            catch (CoffreException e) { Error("repository.location", e.Message); }
        }
        PasswordSourceErrors("repository", c.Repository, required: true, Error);
        CredentialErrors("repository.credentials", c.Repository.Credentials, Error);

        var dbNames = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < c.Databases.Count; i++)
            Database($"databases[{i}]", c.Databases[i], dbNames, i, Error);

        var mediaNames = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < c.Media.Count; i++)
            Media($"media[{i}]", c.Media[i], mediaNames, i, Error);

        if (c.Databases.Count == 0 && c.Media.Count == 0)
            Error("databases", "nothing to back up: add a database to \"databases\" or a folder to \"media\"");

        Retention("retention", c.Retention, Error);
        for (var i = 0; i < c.Copies.Count; i++)
        {
            var copy = c.Copies[i];
            if (string.IsNullOrWhiteSpace(copy.Location))
                Error($"copies[{i}].location", "the copy's location is required, e.g. \"/mnt/usb/backups\"");
            PasswordSourceErrors($"copies[{i}]", copy, required: true, Error);
            CredentialErrors($"copies[{i}].credentials", copy.Credentials, Error);
            if (!string.IsNullOrWhiteSpace(copy.Name) && c.Copies.FindIndex(x => string.Equals(x.Name, copy.Name, StringComparison.Ordinal)) is var first && first < i)
                Error($"copies[{i}].name", $"\"{copy.Name}\" already names copies[{first}]: give each copy its own name");
            if (copy.Retention is { } r) Retention($"copies[{i}].retention", r, Error);
        }
        Hook("hooks.preRestore", c.Hooks.PreRestore, Error);
        Hook("hooks.postRestore", c.Hooks.PostRestore, Error);

        if (c.Schedule.Backup is { } schedule && ScheduleProblem(schedule) is { } sp) Error("schedule.backup", sp);
        if (c.Schedule.Drill is { } drill && ScheduleProblem(drill) is { } dp) Error("schedule.drill", dp);
        if (c.Schedule.FullDrill is { } full && ScheduleProblem(full) is { } fp) Error("schedule.fullDrill", fp);
        if (c.Schedule.Prune is { } prune && ScheduleProblem(prune) is { } pp) Error("schedule.prune", pp);
        if (c.Schedule.Check is { } check && ScheduleProblem(check) is { } cp) Error("schedule.check", cp);
        if (c.Drill.SamplePercent is { } pct && (double.IsNaN(pct) || pct <= 0 || pct > 100)) Error("drill.samplePercent", "must be a percentage above 0 and at most 100");

        if (c.Logging.Level is { } level && !LoggingSection.Levels.Contains(level, StringComparer.OrdinalIgnoreCase))
            Error("logging.level", $"unknown level \"{level}\" (use {Choices(LoggingSection.Levels)})");

        Alerts(c.Alerts, Error);
        for (var i = 0; i < c.Server.TrustedProxies.Count; i++)
            if (!TrustedProxy.TryParse(c.Server.TrustedProxies[i], out var network))
                Error($"server.trustedProxies[{i}]", $"\"{c.Server.TrustedProxies[i]}\" is not an IP address or network (e.g. 127.0.0.1, ::1 or 10.0.0.0/8)");
            else if (network.PrefixLength == 0)
                Error($"server.trustedProxies[{i}]", $"\"{c.Server.TrustedProxies[i]}\" trusts every address: any client could name itself and escape the login throttle; list the proxies only");
        return errors;
    }

    private static void Database(string key, DatabaseSection db, Dictionary<string, int> names, int index, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(db.Engine))
            error($"{key}.engine", $"the engine is required ({Sources.DatabaseEngines.Choices})");
        else if (Sources.DatabaseEngines.Find(db.Engine) is null)
            error($"{key}.engine", $"unknown engine \"{db.Engine}\" (use {Sources.DatabaseEngines.Choices})");

        if (string.IsNullOrWhiteSpace(db.Name))
            error($"{key}.name", "a name is required (it names the dump in the snapshot: database/<name>.<ext>)");
        else if (!SafeName().IsMatch(db.Name))
            error($"{key}.name", $"\"{db.Name}\" must be letters, digits, '-', '_' or '.' and not start with '.' (it names the dump in the snapshot)");
        else if (names.TryGetValue(db.Name, out var first))
            error($"{key}.name", $"\"{db.Name}\" is already the name of databases[{first}]: each database needs its own name");
        else
            names[db.Name] = index;

        if (Sources.DatabaseEngines.Find(db.Engine) is { } engine)
        {
            engine.Validate(key, db, error);
            if (engine.TakesPassword) PasswordSourceErrors(key, db, required: false, error);
        }
        DatabaseAdminSection.Validate(key, db, Sources.DatabaseEngines.Find(db.Engine), error, (k, s) => PasswordSourceErrors(k, s, required: false, error));
    }

    private static void Media(string key, MediaSection m, Dictionary<string, int> names, int index, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(m.Path))
            error($"{key}.path", "the folder is required");
        else if (!Directory.Exists(m.Path))
            error($"{key}.path", File.Exists(m.Path) ? $"{m.Path} is a file, not a folder" : $"{m.Path} does not exist");

        if (m.Name is null) { /* no path either: reported above */ }
        else if (!SafeName().IsMatch(m.Name))
            error($"{key}.name", $"\"{m.Name}\" must be letters, digits, '-', '_' or '.' and not start with '.' (it names the folder in the snapshot: media/<name>)");
        else if (names.TryGetValue(m.Name, out var first))
            error($"{key}.name", $"\"{m.Name}\" is already the name of media[{first}]: give one of them another \"name\"");
        else
            names[m.Name] = index;

        for (var i = 0; i < m.Exclude.Count; i++)
            if (string.IsNullOrWhiteSpace(m.Exclude[i])) error($"{key}.exclude[{i}]", "an exclude pattern cannot be empty");
    }

    private static void PasswordSourceErrors(string key, IPasswordSource s, bool required, Action<string, string> error)
    {
        var set = new List<string>();
        if (!string.IsNullOrWhiteSpace(s.PasswordEnv)) set.Add("passwordEnv");
        if (!string.IsNullOrWhiteSpace(s.PasswordFile)) set.Add("passwordFile");
        if (!string.IsNullOrWhiteSpace(s.PasswordCommand)) set.Add("passwordCommand");
        if (set.Count == 0 && required)
            error($"{key}.passwordEnv", "no password source: set one of passwordEnv (a variable's name), passwordFile or passwordCommand");
        if (set.Count > 1)
            error($"{key}.{set[1]}", $"set only one of {string.Join(", ", set)}");

        if (!string.IsNullOrWhiteSpace(s.PasswordEnv) && !EnvName().IsMatch(s.PasswordEnv))
            error($"{key}.passwordEnv", $"\"{s.PasswordEnv}\" is not an environment variable's name: give the variable's name, never the password itself");
        if (!string.IsNullOrWhiteSpace(s.PasswordFile) && PasswordFileProblem(s.PasswordFile) is { } problem)
            error($"{key}.passwordFile", problem);
    }

    private static void CredentialErrors(string key, Dictionary<string, CredentialSource> credentials, Action<string, string> error)
    {
        foreach (var (name, source) in credentials)
        {
            if (!BackendCredentials.IsKnown(name))
            {
                error($"{key}.{name}", $"not a storage credential: use {string.Join(", ", BackendCredentials.Known)} or RCLONE_CONFIG_*");
                continue;
            }
            if (BackendCredentials.Problem(source) is { } problem) error($"{key}.{name}", problem);
            else if (!string.IsNullOrWhiteSpace(source.Env) && !EnvName().IsMatch(source.Env))
                error($"{key}.{name}.env", $"\"{source.Env}\" is not an environment variable's name: give the variable's name, never the secret itself");
            else if (!string.IsNullOrWhiteSpace(source.File) && PasswordFileProblem(source.File) is { } fileProblem)
                error($"{key}.{name}.file", fileProblem);
        }
    }

    /// <summary>Why a password file cannot be used, or null: it must exist, be a file, and be private (0600 or 0400).</summary>
    internal static string? PasswordFileProblem(string file)
    {
        if (Directory.Exists(file)) return $"{file} is a folder, not a password file";
        if (!File.Exists(file)) return $"password file {file} does not exist";
        var mode = File.GetUnixFileMode(file);
        if ((mode & GroupOrOthers) != 0)
            return $"password file {file} can be read by group or others: run 'chmod 600 {file}'";
        return null;
    }

    private static void Retention(string key, RetentionSection r, Action<string, string> error)
    {
        var rules = new (string Key, int? Value)[]
        {
            ("keepWithinDays", r.KeepWithinDays), ("last", r.Last), ("daily", r.Daily), ("weekly", r.Weekly), ("monthly", r.Monthly), ("yearly", r.Yearly),
        };
        foreach (var (k, v) in rules)
            if (v < 0) error($"{key}.{k}", $"{v} is negative: give a count (0 or more)");
        if (rules.All(x => x.Value is null or 0))
            error(key, "no rule keeps any backup: set keepWithinDays, last, daily, weekly, monthly or yearly");
    }

    private static void Hook(string key, string? command, Action<string, string> error)
    {
        if (command is not null && string.IsNullOrWhiteSpace(command)) error(key, "the command is empty: remove the key or give a command");
    }

    private static void Alerts(AlertsSection a, Action<string, string> error)
    {
        var w = a.Webhook;
        if (w.Url is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps)))
            error("alerts.webhook.url", $"\"{url}\" is not an http:// or https:// URL");
        if ((w.Format is not null || w.Headers.Count > 0) && string.IsNullOrWhiteSpace(w.Url))
            error("alerts.webhook.url", "the webhook's URL is required (format and headers are set)");
        if (w.Format is { } format && !Alerts_.WebhookFormats.All.Contains(format))
            error("alerts.webhook.format", $"unknown format \"{format}\" (use {Choices(Alerts_.WebhookFormats.All)})");
        for (var i = 0; i < w.Headers.Count; i++)
        {
            var h = w.Headers[i];
            var key = $"alerts.webhook.headers[{i}]";
            if (string.IsNullOrWhiteSpace(h.Name) || !HeaderName().IsMatch(h.Name))
                error($"{key}.name", $"\"{h.Name}\" is not a header name (letters, digits and -)");
            if ((h.Value is null) == (h.ValueEnv is null))
                error($"{key}.valueEnv", "set one of value (not secret) or valueEnv (the name of a variable holding the value)");
            if (h.ValueEnv is { } env && !EnvName().IsMatch(env))
                error($"{key}.valueEnv", $"\"{env}\" is not an environment variable's name: give the variable's name, never the value itself");
            if (h.Value is { } v && v.Any(char.IsControl))
                error($"{key}.value", "a header value cannot hold line breaks or control characters");
        }

        if (a.DiskFreeThresholdPercent is { } pct && (double.IsNaN(pct) || pct <= 0 || pct >= 100))
            error("alerts.diskFreeThresholdPercent", "must be a percentage above 0 and below 100");
        if (a.DiskFreeThresholdBytes is { } bytes && bytes <= 0)
            error("alerts.diskFreeThresholdBytes", "must be a number of bytes above 0");
        if (a.RetryDelaysSeconds is { } delays)
        {
            if (delays.Count > 10) error("alerts.retryDelaysSeconds", "at most 10 retries");
            for (var i = 0; i < delays.Count; i++)
                if (delays[i] is < 0 or > 3600) error($"alerts.retryDelaysSeconds[{i}]", $"{delays[i]} must be 0 to 3600 seconds");
        }

        var e = a.Email;
        var used = e.Host is not null || e.From is not null || e.To.Count > 0 || e.Port is not null || e.User is not null
            || e.PasswordEnv is not null || e.PasswordFile is not null || e.PasswordCommand is not null || e.StartTls is not null;
        if (!used) return;
        if (string.IsNullOrWhiteSpace(e.Host)) error("alerts.email.host", "the SMTP server is required to send mail");
        if (e.Port is { } p && (p < 1 || p > 65535)) error("alerts.email.port", $"{p} is not a port number (1 to 65535)");
        if (string.IsNullOrWhiteSpace(e.From) || !e.From.Contains('@', StringComparison.Ordinal) || e.From.Any(c => c is '<' or '>' || char.IsWhiteSpace(c)))
            error("alerts.email.from", "a sender address (name@domain) is required");
        if (e.To.Count == 0) error("alerts.email.to", "at least one recipient is required, e.g. [ \"ops@example.com\" ]");
        for (var i = 0; i < e.To.Count; i++)
            if (!e.To[i].Contains('@', StringComparison.Ordinal) || e.To[i].Any(c => c is '<' or '>' || char.IsWhiteSpace(c)))
                error($"alerts.email.to[{i}]", $"\"{e.To[i]}\" is not a mail address");
        var hasUser = !string.IsNullOrWhiteSpace(e.User);
        PasswordSourceErrors("alerts.email", e, required: hasUser, error);
        if (!hasUser && (e.PasswordEnv ?? e.PasswordFile ?? e.PasswordCommand) is not null)
            error("alerts.email.user", "a password source is set but no user to log in as");
        if (hasUser && e.StartTls == false)
            error("alerts.email.startTls", "a login needs TLS: the password would cross the network in clear");
    }

    /// <summary>Why a schedule is not understood, or null (<see cref="Scheduling.Schedule.TryParse"/>).</summary>
    internal static string? ScheduleProblem(string s) => Scheduling.Schedule.TryParse(s, out _, out var problem) ? null : problem;

    private static string Choices(IReadOnlyList<string> values) =>
        values.Count == 1 ? values[0] : $"{string.Join(", ", values.Take(values.Count - 1))} or {values[^1]}";

    /// <summary>Whether coffre.json accepts <paramref name="name"/> as a database or media name (letters, digits,
    /// '-', '_' or '.', not starting with '.'): also the rule for such names read from a backup's metadata.json.</summary>
    public static bool IsSafeName(string name) => name is not null && SafeName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
