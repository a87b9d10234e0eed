using System.Collections;
using Coffre.Storage.Local;
using Coffre.Storage.Rclone;
using Coffre.Storage.Rest;
using Coffre.Storage.S3;
using Coffre.Storage.Sftp;

namespace Coffre.Storage;

/// <summary>
/// The one place a location becomes a backend: the registry of kinds (<see cref="Openers"/>) and the decorators
/// every backend gets (<see cref="Decorate"/>). The CLI, coffre.json, the backup manager and the service open
/// repositories through it. Credentials come from the environment passed in (the variables restic reads), never
/// from the location or the configuration as literals.
/// </summary>
public static class BackendOpener
{
    /// <summary>Opens one kind of location: its text (after the scheme) and the environment holding its credentials.</summary>
    public delegate IStorageBackend Opener(string text, IReadOnlyDictionary<string, string?> environment);

    /// <summary>
    /// What opens each kind; null: recognised but not in this build. A backend plugs in with one line here, e.g.
    /// <c>["s3"] = (text, env) => S3Backend.Open(S3Location.Parse(text), env)</c>.
    /// </summary>
    private static readonly Dictionary<string, Opener?> Openers = new(StringComparer.Ordinal)
    {
        [RepositoryLocation.Local] = (path, _) => new LocalBackend(path),
        ["s3"] = (text, env) => S3Backend.Open(S3Location.Parse("s3:" + text), env),
        ["rest"] = (text, env) => RestBackend.Open(RestLocation.Parse("rest:" + text), env),
        ["rclone"] = (text, env) => RcloneBackend.Open(RcloneLocation.Parse("rclone:" + text), env),
        ["sftp"] = (text, env) => SftpBackend.Open(SftpLocation.Parse("sftp:" + text), env),
    };

    /// <summary>
    /// Opens <paramref name="location"/> with the standard decorators (retry on transient errors, connection limit).
    /// The caller disposes the backend when done: that closes its connections and, for the last user of an rclone or
    /// sftp location, ends the child process.
    /// </summary>
    /// <exception cref="CoffreException">the kind is not available in this build, or its location or credentials are wrong.</exception>
    public static IStorageBackend Open(RepositoryLocation location, IReadOnlyDictionary<string, string?> environment, StorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        if (!Openers.TryGetValue(location.Kind, out var opener))
            throw new CoffreException($"unknown repository kind \"{location.Kind}\"", ExitCodes.NoRepository);
        if (opener is null)
            throw new CoffreException(
                $"{location.Kind}: repositories are not available in this build of Coffre ({location}); use a local path, or a build with the {location.Kind} backend",
                ExitCodes.NoRepository);
        return Decorate(SessionKinds.Contains(location.Kind) ? Shared(location, environment, opener) : opener(location.Text, environment), options ?? StorageOptions.Default);
    }

    // Kinds whose backend holds a child process and its session (rclone serve restic, ssh): shared per location and
    // environment in a process (SharedSessions), the child ended when the last user disposes its backend.
    private static readonly HashSet<string> SessionKinds = new(StringComparer.Ordinal) { "rclone", "sftp" };

    private static IStorageBackend Shared(RepositoryLocation location, IReadOnlyDictionary<string, string?> environment, Opener opener) =>
        SharedSessions.Lease($"{location.Kind}:{location.Text}\n{Fingerprint(environment)}", () => opener(location.Text, environment));

    /// <summary>A digest of the environment (credentials and options differ: another session), never the values themselves.</summary>
    private static string Fingerprint(IReadOnlyDictionary<string, string?> environment)
    {
        var text = string.Join("\n", environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Parses and opens a location string (see <see cref="RepositoryLocation.Parse"/>).</summary>
    public static IStorageBackend Open(string location, IReadOnlyDictionary<string, string?> environment, StorageOptions? options = null) =>
        Open(RepositoryLocation.Parse(location), environment, options);

    /// <summary>Whether this build can open <paramref name="kind"/>.</summary>
    public static bool IsAvailable(string kind) => Openers.TryGetValue(kind, out var o) && o is not null;

    /// <summary>
    /// The decorators, in one place: transient failures retried with backoff, outside a limit on concurrent calls;
    /// for a remote backend, packs read by windows (<see cref="PackReadAheadBackend"/>) outside both.
    /// </summary>
    public static IStorageBackend Decorate(IStorageBackend backend, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        var limited = new ConnectionLimitingBackend(backend, backend.Properties.MaxConnections);
        var retrying = new RetryingBackend(limited, options.Retry, options.Clock ?? TimeProvider.System, options.Delay ?? ((d, ct) => Task.Delay(d, ct)));
        // A local folder answers a small read at once; a remote one pays a round trip per request.
        return backend.Properties.LocalFolder is null ? new PackReadAheadBackend(retrying) : retrying;
    }

    /// <summary>This process's environment, as <see cref="Open(RepositoryLocation, IReadOnlyDictionary{string, string?}, StorageOptions?)"/> takes it.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) d[(string)e.Key] = (string?)e.Value;
        return d;
    }
}

/// <summary>How the opener decorates a backend.</summary>
public sealed record StorageOptions
{
    public static readonly StorageOptions Default = new();

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>How the retrying backend waits (tests inject one that does not sleep); null: <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>Measures the retry budget; null: the system clock.</summary>
    public TimeProvider? Clock { get; init; }
}
