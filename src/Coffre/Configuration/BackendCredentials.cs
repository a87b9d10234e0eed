using System.Text;

namespace Coffre.Configuration;

/// <summary>
/// The storage credentials coffre.json names for the repository or a copy (<c>credentials</c>: a variable restic
/// reads mapped to a <see cref="CredentialSource"/>), resolved into the environment a backend is opened with
/// (<see cref="Storage.BackendOpener"/>). Each backend gets its own: the primary's keys never reach a copy's server,
/// nor the other way round. Values are read when the backend is opened, never logged: errors name the variable and
/// the source.
/// </summary>
public static class BackendCredentials
{
    /// <summary>The variables a credential may set: what restic's S3, REST and rclone backends read.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION",
        "RESTIC_REST_USERNAME", "RESTIC_REST_PASSWORD", "RCLONE_CONFIG_PASS",
    ];

    /// <summary>rclone's own configuration variables (<c>RCLONE_CONFIG_MYREMOTE_TOKEN</c>…) are accepted too.</summary>
    private const string RclonePrefix = "RCLONE_CONFIG_";

    /// <summary>Whether <paramref name="name"/> is a variable a credential may set.</summary>
    public static bool IsKnown(string name) =>
        Known.Contains(name, StringComparer.OrdinalIgnoreCase) || (name.StartsWith(RclonePrefix, StringComparison.OrdinalIgnoreCase) && name.Length > RclonePrefix.Length);

    /// <summary>
    /// <paramref name="environment"/> with each credential of <paramref name="credentials"/> resolved and set (it
    /// wins over the environment's own value). Throws <see cref="CoffreException"/> naming the variable and its
    /// source when one cannot be read.
    /// </summary>
    /// <param name="what">Whose credentials, for messages: <c>repository</c>, <c>copy usb</c>.</param>
    public static IReadOnlyDictionary<string, string?> Apply(IReadOnlyDictionary<string, string?> environment, IReadOnlyDictionary<string, CredentialSource>? credentials, string what)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (credentials is null || credentials.Count == 0) return environment;
        var result = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
        foreach (var (name, source) in credentials)
        {
            var variable = name.ToUpperInvariant();
            if (!IsKnown(variable))
                throw new CoffreException($"{what}: credentials.{name} is not a storage credential (use {string.Join(", ", Known)} or {RclonePrefix}*)");
            result[variable] = Resolve(source, environment, $"{what}: credentials.{variable}");
        }
        return result;
    }

    private static string Resolve(CredentialSource source, IReadOnlyDictionary<string, string?> environment, string what)
    {
        if (Problem(source) is { } problem) throw new CoffreException($"{what}: {problem}");
        if (!string.IsNullOrWhiteSpace(source.Env))
        {
            var value = environment.GetValueOrDefault(source.Env);
            if (string.IsNullOrEmpty(value))
                throw new CoffreException($"{what}: the variable {source.Env} is {(value is null ? "not set" : "empty")}: export {source.Env}=... before running coffre");
            return value;
        }
        if (!string.IsNullOrWhiteSpace(source.File)) return Encoding.UTF8.GetString(PasswordSource.FromFile(source.File, what));
        var argv = source.Command;
        return Encoding.UTF8.GetString(PasswordSource.FromProgram(argv[0], argv.Skip(1), string.Join(' ', argv), what));
    }

    /// <summary>Why a source cannot be used as written (none or several of env/file/command), or null.</summary>
    internal static string? Problem(CredentialSource source)
    {
        var set = new List<string>();
        if (!string.IsNullOrWhiteSpace(source.Env)) set.Add("env");
        if (!string.IsNullOrWhiteSpace(source.File)) set.Add("file");
        if (source.Command.Count > 0) set.Add("command");
        if (set.Count == 0) return "no source: give {\"env\": \"VARIABLE\"}, {\"file\": \"/path/0600\"} or {\"command\": [\"program\", \"arg\"]}";
        if (set.Count > 1) return $"set only one of {string.Join(", ", set)}";
        if (set[0] == "command" && string.IsNullOrWhiteSpace(source.Command[0])) return "the command's first element must name a program";
        return null;
    }
}
