using System.Net;
using System.Net.Sockets;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>
/// A real <c>rclone serve restic</c> on 127.0.0.1, on a free port, serving a fresh temp folder; stopped (killed by
/// its process id) and the folder removed on dispose. rclone reads no user configuration (RCLONE_CONFIG points to
/// a file that does not exist).
/// </summary>
internal sealed class RcloneRestServer : IDisposable
{
    public const string Executable = "/usr/bin/rclone";

    private readonly TestDirectory _dir = new("rest");
    private readonly RunningProcess _process;

    public RcloneRestServer(bool appendOnly = false, string? user = null, string? password = null)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: the REST tests need Debian's rclone (test.sh installs it)");
        Root = _dir.CreateSub("served");
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            List<string> args = ["serve", "restic", "--addr", $"127.0.0.1:{Port}", "--config", _dir.Sub("no-rclone.conf")];
            if (appendOnly) args.Add("--append-only");
            if (user is not null) args.AddRange(["--user", user, "--pass", password ?? ""]);
            args.Add(Root);
            _process = ProcessRunner.Start(Executable, args, new Dictionary<string, string?>());
            if (WaitUntilListening()) break;
            var failed = $"{_process.Command} did not start listening";
            _process.Dispose();
            if (attempt == 2) throw new InvalidOperationException(failed);
        }
    }

    /// <summary>The folder rclone serves (a repository lands directly in it).</summary>
    public string Root { get; }

    public int Port { get; private set; }

    /// <summary>The restic/Coffre location of the repository, with optional credentials in it.</summary>
    public string Location(string? credentials = null) => $"rest:http://{(credentials is null ? "" : credentials + "@")}127.0.0.1:{Port}/";

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private bool WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        return false;
    }

    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }
}
