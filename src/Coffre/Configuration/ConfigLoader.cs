using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Coffre.Configuration;

/// <summary>
/// Reads <c>coffre.json</c> (JSON; <c>//</c> and <c>/* */</c> comments and trailing commas allowed), applies the
/// environment overrides, and binds the result to <see cref="CoffreConfig"/>:
/// <list type="bullet">
/// <item>Overrides: <c>COFFRE_&lt;Section&gt;__&lt;Key&gt;</c>, e.g. <c>COFFRE_Repository__Path</c> or
/// <c>COFFRE_Databases__0__Host</c> (<c>__</c> separates levels, keys are case-insensitive), and
/// <c>COFFRE_APPLICATION</c>. Other <c>COFFRE_</c> variables without <c>__</c> (<c>COFFRE_PASSWORD</c>,
/// <c>COFFRE_REPOSITORY</c>, ...) belong to the command line and are not configuration keys.</item>
/// <item>Every key is compared with the model: an unknown key (a typo), a literal password or a value of the wrong
/// type becomes a <see cref="ConfigError"/> that <see cref="ConfigValidator.Validate"/> reports; binding itself
/// never fails on them.</item>
/// <item>Paths (repository, password files, SQLite files, media folders, logs) are resolved against the folder of
/// the configuration file; <c>~/</c> means the home folder.</item>
/// </list>
/// </summary>
public static class ConfigLoader
{
    public const string DefaultFileName = "coffre.json";
    public const string EnvironmentPrefix = "COFFRE_";

    internal const string LiteralCredentialMessage =
        "do not put credentials in coffre.json: give their source, {\"env\": \"VARIABLE\"}, {\"file\": \"/path/0600\"} or {\"command\": [\"program\", \"arg\"]}";

    internal const string PasswordMessage = "do not put passwords in coffre.json: use passwordEnv, passwordFile or passwordCommand";

    private const string Help = "start from samples/coffre.json in the Coffre sources; docs/configuration.md lists every key";

    /// <summary>
    /// Loads <paramref name="path"/> (the <c>-c/--config</c> value: a file, or a folder holding <c>coffre.json</c>;
    /// default <c>./coffre.json</c>). <paramref name="environment"/> replaces the process environment (tests).
    /// Throws <see cref="CoffreException"/> when the file is missing, unreadable or not JSON; other problems are
    /// left for <see cref="ConfigValidator.Validate"/>.
    /// </summary>
    public static CoffreConfig Load(string? path, IDictionary<string, string?>? environment = null)
    {
        var env = environment ?? ProcessEnvironment();
        var home = Home(env);
        var file = FindFile(path, home);

        IConfigurationRoot json;
        try
        {
            var bytes = File.ReadAllBytes(file);
            json = new ConfigurationBuilder().AddJsonStream(new MemoryStream(bytes)).Build();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CoffreException($"cannot read {file}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException or InvalidOperationException)
        {
            throw new CoffreException($"{file} is not valid JSON: {JsonProblem(e)}", e);
        }

        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in json.AsEnumerable()) flat[k] = v;
        var fromEnv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, variable, value) in Overrides(env))
        {
            flat[key] = value;
            fromEnv[key] = variable;
        }
        return Bind(flat, fromEnv, file, Path.GetDirectoryName(file)!, home);
    }

    /// <summary>
    /// Binds a section of an application's own configuration (appsettings.json, its environment variables...) the way
    /// <see cref="Load"/> binds coffre.json: same keys, same checks (<see cref="ConfigValidator.Validate"/> reports
    /// them), relative paths resolved against <paramref name="baseDirectory"/>. <see cref="CoffreConfig.FilePath"/> is null.
    /// </summary>
    public static CoffreConfig FromSection(IConfiguration section, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(section);
        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in section.AsEnumerable(makePathsRelative: true)) flat[k] = v;
        return Bind(flat, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), null, Path.GetFullPath(baseDirectory), Home(ProcessEnvironment()));
    }

    private static CoffreConfig Bind(Dictionary<string, string?> flat, Dictionary<string, string> fromEnv, string? file, string directory, string? home)
    {
        var config = new CoffreConfig { FilePath = file };
        var clean = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        KeyChecker.Check(flat, fromEnv, clean, config.LoadErrors);
        new ConfigurationBuilder().AddInMemoryCollection(clean).Build().Bind(config);
        Complete(config, directory, home);
        return config;
    }

    /// <summary>The configuration file's absolute path; throws when it does not exist.</summary>
    private static string FindFile(string? path, string? home)
    {
        var cwd = Directory.GetCurrentDirectory();
        if (string.IsNullOrWhiteSpace(path))
        {
            var standard = Path.Combine(cwd, DefaultFileName);
            if (File.Exists(standard)) return standard;
            throw new CoffreException($"no {DefaultFileName} in the current folder ({cwd}): create one ({Help}), or name the file with -c/--config FILE");
        }
        var full = ResolvePath(cwd, path, home)!;
        if (Directory.Exists(full))
        {
            var inside = Path.Combine(full, DefaultFileName);
            if (File.Exists(inside)) return inside;
            throw new CoffreException($"no {DefaultFileName} in {full}: create one ({Help}), or name the file with -c/--config FILE");
        }
        if (!File.Exists(full))
            throw new CoffreException($"configuration file {full} does not exist: check the -c/--config path, or create the file ({Help})");
        return full;
    }

    private static string JsonProblem(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is JsonException { LineNumber: { } line, BytePositionInLine: { } col })
                return $"line {line + 1}, column {col + 1}: {x.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ')}";
        return e.InnerException?.Message ?? e.Message;
    }

    /// <summary><c>COFFRE_A__B__C=v</c> → (<c>A:B:C</c>, variable name, v).</summary>
    private static IEnumerable<(string Key, string Variable, string? Value)> Overrides(IDictionary<string, string?> env)
    {
        foreach (var (name, value) in env.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var rest = name[EnvironmentPrefix.Length..];
            if (rest.Length == 0) continue;
            if (!rest.Contains("__", StringComparison.Ordinal) && !rest.Equals(nameof(CoffreConfig.Application), StringComparison.OrdinalIgnoreCase))
                continue; // COFFRE_PASSWORD, COFFRE_REPOSITORY, COFFRE_DEBUG...: the command line's own variables
            yield return (rest.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), name, value);
        }
    }

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) d[(string)e.Key] = (string?)e.Value;
        return d;
    }

    private static string? Home(IDictionary<string, string?> env) =>
        env.TryGetValue("HOME", out var h) && !string.IsNullOrEmpty(h) ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>
    /// An absolute path: <c>~</c> and <c>~/x</c> from the home folder, other relative paths from
    /// <paramref name="baseDirectory"/>; <c>.</c> and <c>..</c> are folded and a trailing <c>/</c> dropped.
    /// </summary>
    public static string? ResolvePath(string baseDirectory, string? path, string? home = null)
    {
        if (string.IsNullOrWhiteSpace(path)) return path;
        home ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (path == "~") path = home;
        else if (path.StartsWith("~/", StringComparison.Ordinal)) path = Path.Combine(home, path[2..]);
        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>Resolves the paths and fills in the defaults that depend on other keys.</summary>
    private static void Complete(CoffreConfig c, string dir, string? home)
    {
        c.Application = Trimmed(c.Application);
        CompleteRepository(c.Repository, dir, home);
        c.Repository.PasswordFile = ResolvePath(dir, Trimmed(c.Repository.PasswordFile), home);
        foreach (var db in c.Databases)
        {
            db.Engine = Trimmed(db.Engine);
            var engine = Sources.DatabaseEngines.FindIgnoringCase(db.Engine);
            if (engine is not null) db.Engine = engine.Name;
            db.Path = ResolvePath(dir, Trimmed(db.Path), home);
            db.PasswordFile = ResolvePath(dir, Trimmed(db.PasswordFile), home);
            db.BinDirectory = ResolvePath(dir, Trimmed(db.BinDirectory), home);
            if (db.Admin is { } admin) admin.PasswordFile = ResolvePath(dir, Trimmed(admin.PasswordFile), home);
            db.Name = Trimmed(db.Name);
            engine?.Complete(db);
            db.Name ??= Trimmed(db.Database);
        }
        foreach (var m in c.Media)
        {
            m.Path = ResolvePath(dir, Trimmed(m.Path), home);
            m.Name = Trimmed(m.Name) ?? (m.Path is null ? null : Path.GetFileName(m.Path));
        }
        foreach (var copy in c.Copies)
        {
            copy.Location = ResolveLocation(dir, Trimmed(copy.Location), home);
            copy.PasswordFile = ResolvePath(dir, Trimmed(copy.PasswordFile), home);
            copy.Name = Trimmed(copy.Name);
            ResolveCredentialFiles(copy.Credentials, dir, home);
        }
        ResolveCredentialFiles(c.Repository.Credentials, dir, home);
        c.Logging.Path = ResolvePath(dir, Trimmed(c.Logging.Path), home)
            ?? (c.Repository.State is { } state ? Path.Combine(state, Journal.LogPaths.FolderName) : null);
        c.Alerts.Email.PasswordFile = ResolvePath(dir, Trimmed(c.Alerts.Email.PasswordFile), home);
        c.Alerts.Webhook.Format = Trimmed(c.Alerts.Webhook.Format)?.ToLowerInvariant();
    }

    private static void ResolveCredentialFiles(Dictionary<string, CredentialSource> credentials, string dir, string? home)
    {
        foreach (var source in credentials.Values) source.File = ResolvePath(dir, Trimmed(source.File), home);
    }

    /// <summary>A local location made absolute against the configuration's folder; a remote one as given; an unreadable one left for the validator.</summary>
    private static string? ResolveLocation(string dir, string? given, string? home)
    {
        if (given is null) return null;
        try
        {
            var location = Storage.RepositoryLocation.Parse(given);
            return location.IsLocal ? ResolvePath(dir, location.Text, home) : given;
        }
        catch (CoffreException) { return given; }
    }

    /// <summary>
    /// <c>location</c> wins over <c>path</c>; a local one is made absolute against the configuration's folder and
    /// copied to Path, a remote one leaves Path null. An unreadable location is left for the validator to report.
    /// </summary>
    private static void CompleteRepository(RepositorySection r, string dir, string? home)
    {
        r.State = ResolvePath(dir, Trimmed(r.State), home);
        var given = Trimmed(r.Location) ?? Trimmed(r.Path);
        if (given is null)
        {
            r.Path = null;
            r.Location = null;
            return;
        }
        Storage.RepositoryLocation location;
        try { location = Storage.RepositoryLocation.Parse(given); }
        catch (CoffreException)
        {
            r.Location = given;
            r.Path = null;
            return;
        }
        r.Path = location.IsLocal ? ResolvePath(dir, location.Text, home) : null;
        r.Location = r.Path ?? given;
    }

    private static string? Trimmed(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Compares the file's keys with the model (M.E.Configuration binding silently ignores unknown keys).</summary>
    private static class KeyChecker
    {
        public static void Check(Dictionary<string, string?> flat, Dictionary<string, string> fromEnv, Dictionary<string, string?> clean, List<ConfigError> errors)
        {
            var seen = new HashSet<ConfigError>();
            void Add(string fullKey, string key, string message)
            {
                if (fromEnv.TryGetValue(fullKey, out var variable)) message += $" (from the environment variable {variable})";
                var e = new ConfigError(key, message);
                if (seen.Add(e)) errors.Add(e);
            }

            foreach (var (key, value) in flat.OrderBy(k => k.Key, StringComparer.OrdinalIgnoreCase))
            {
                var type = typeof(CoffreConfig);
                var display = "";
                var ok = true;
                foreach (var segment in key.Split(ConfigurationPath.KeyDelimiter))
                {
                    if (DictionaryValue(type) is { } entry)
                    {
                        display = $"{display}.{segment}";
                        type = entry;
                        continue;
                    }
                    if (ListElement(type) is { } element)
                    {
                        if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                        {
                            Add(key, display, "must be a list: [ ... ]");
                            ok = false;
                            break;
                        }
                        display += $"[{index}]";
                        type = element;
                        continue;
                    }
                    if (IsScalar(type))
                    {
                        Add(key, display, "must be a single value, not an object or a list");
                        ok = false;
                        break;
                    }
                    var property = Keys(type).FirstOrDefault(p => p.Name.Equals(segment, StringComparison.OrdinalIgnoreCase));
                    var name = property is null ? segment : Camel(property.Name);
                    var path = display.Length == 0 ? name : $"{display}.{name}";
                    if (property is null)
                    {
                        var typo = Typo(type, segment);
                        Add(key, path, typo is null && IsPasswordLike(segment)
                            ? PasswordMessage
                            : $"unknown key \"{segment}\" ({(typo is null ? $"known keys: {string.Join(", ", Keys(type).Select(p => Camel(p.Name)))}" : $"did you mean \"{typo}\"?")})");
                        ok = false;
                        break;
                    }
                    display = path;
                    type = property.PropertyType;
                }
                if (!ok || value is null) continue;
                if (IsScalar(type))
                {
                    if (Converts(type, value, out var problem)) clean[key] = value;
                    else Add(key, display, problem);
                }
                else if (value.Length > 0 && type == typeof(CredentialSource))
                    Add(key, display, LiteralCredentialMessage); // the value is a secret: never repeated
                else if (value.Length > 0)
                    Add(key, display, ListElement(type) is null ? "must be an object: { ... }" : "must be a list: [ ... ]");
            }
        }

        private static IEnumerable<PropertyInfo> Keys(Type t) =>
            t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

        private static Type? DictionaryValue(Type t) =>
            t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>) && t.GetGenericArguments()[0] == typeof(string) ? t.GetGenericArguments()[1] : null;

        private static Type? ListElement(Type t) =>
            t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? t.GetGenericArguments()[0] : null;

        private static bool IsScalar(Type t)
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            return t == typeof(string) || t.IsPrimitive;
        }

        private static bool Converts(Type t, string value, out string problem)
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            problem = "";
            if (t == typeof(int) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                problem = $"\"{value}\" is not a whole number";
            else if (t == typeof(long) && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                problem = $"\"{value}\" is not a whole number";
            else if (t == typeof(double) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                problem = $"\"{value}\" is not a number";
            else if (t == typeof(bool) && !bool.TryParse(value, out _))
                problem = $"\"{value}\" is not true or false";
            return problem.Length == 0;
        }

        /// <summary>A literal password's key: password, passwd, pwd, secret, or a near miss such as "pasword".</summary>
        private static bool IsPasswordLike(string key)
        {
            var k = key.ToLowerInvariant();
            return k.Contains("password", StringComparison.Ordinal) || k.Contains("passwd", StringComparison.Ordinal)
                || k.Contains("secret", StringComparison.Ordinal) || k is "pwd" or "pass" || Distance(k, "password") <= 2;
        }

        /// <summary>The known key <paramref name="segment"/> is probably a typo of, or null.</summary>
        private static string? Typo(Type t, string segment)
        {
            var s = segment.ToLowerInvariant();
            var best = Keys(t).Select(p => Camel(p.Name)).MinBy(n => Distance(n.ToLowerInvariant(), s));
            return best is not null && Distance(best.ToLowerInvariant(), s) <= Math.Max(1, segment.Length / 4) ? best : null;
        }

        /// <summary>Edit distance (optimal string alignment: insert, delete, replace, swap neighbours).</summary>
        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++) d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
                for (var j = 1; j <= b.Length; j++)
                {
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1); // a swap of two letters is one typo
                }
            return d[a.Length, b.Length];
        }
    }

    internal static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
