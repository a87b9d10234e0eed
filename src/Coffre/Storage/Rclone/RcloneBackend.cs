using System.Net;
using Coffre.Storage.Rest;

namespace Coffre.Storage.Rclone;

/// <summary>
/// Opens a repository on an rclone remote the way restic's rclone backend does: a child
/// <c>rclone serve restic --stdio remote:path</c>, spoken to in restic's REST protocol over HTTP/2 on the child's
/// stdin/stdout (<see cref="RestBackend"/> over a connection that is the pipes). The child lives as long as the
/// backend; one that dies makes every call fail with its exit code and last stderr lines.
/// </summary>
public static class RcloneBackend
{
    /// <summary>restic's default for rclone (<c>rclone.connections</c>): HTTP/2 streams at once over the one connection.</summary>
    private const int Streams = 5;

    /// <param name="environment">rclone's environment: PATH finds the program (<c>RCLONE_PROGRAM</c> overrides it), <c>RCLONE_*</c> and the rest configure rclone.</param>
    public static IStorageBackend Open(RcloneLocation location, IReadOnlyDictionary<string, string?> environment) =>
        Open(location, environment, RestOptions.Default with { HttpVersion = HttpVersion.Version20, Connections = Streams });

    internal static IStorageBackend Open(RcloneLocation location, IReadOnlyDictionary<string, string?> environment, RestOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        var program = ResolveProgram(environment);
        var child = RcloneProcess.Start(program, location.Remote, environment);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, _) => ValueTask.FromResult(child.Connect()),
            ConnectTimeout = options.StallTimeout,
            EnableMultipleHttp2Connections = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new RestBackend(http, new Uri("http://rclone/"), location.ToString(), options, child.Explain, child);
    }

    /// <summary>RCLONE_PROGRAM when set (restic's <c>-o rclone.program</c>), else <c>rclone</c> on the environment's PATH.</summary>
    private static string ResolveProgram(IReadOnlyDictionary<string, string?> environment)
    {
        if (environment.GetValueOrDefault("RCLONE_PROGRAM") is { Length: > 0 } program) return program;
        var path = environment.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "rclone");
            if (File.Exists(candidate)) return candidate;
        }
        throw new CoffreException("rclone is not installed (no rclone on PATH): install it (apt-get install rclone) or set RCLONE_PROGRAM", ExitCodes.Fatal);
    }
}
