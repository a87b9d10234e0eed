using System.Diagnostics;
using System.Text;

namespace Coffre.Storage.Rclone;

/// <summary>
/// The child <c>rclone serve restic --stdio REMOTE</c>: it speaks HTTP/2 over its stdin/stdout (one connection, many
/// streams), its stderr is kept (the last lines) to explain a failure, and it is stopped on dispose (stdin closed,
/// then killed if it lingers). Its environment is the caller's minus the repository passwords Coffre and restic
/// read (<c>COFFRE_*</c>, <c>RESTIC_*</c>): rclone needs its own variables and config, never those.
/// </summary>
internal sealed class RcloneProcess : IDisposable, IBreakable
{
    private const int KeptStderrLines = 20;
    private const int KeptLineLength = 400;

    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly Task _stderrReader;
    private int _connected;
    private int _disposed;

    private RcloneProcess(Process process)
    {
        _process = process;
        _stderrReader = Task.Run(ReadStderrAsync);
    }

    public int Id => _process.Id;

    /// <summary>The child has exited: every request through it fails.</summary>
    public bool IsBroken
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    public static RcloneProcess Start(string program, string remote, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])["serve", "restic", "--stdio", "--b2-hard-delete", remote]) info.ArgumentList.Add(a);
        info.Environment.Clear();
        foreach (var (key, value) in environment)
            if (value is not null && !IsCoffreOrResticVariable(key)) info.Environment[key] = value;
        try { return new RcloneProcess(Process.Start(info) ?? throw new IOException("no process")); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CoffreException($"cannot start {program} for an rclone: repository ({e.Message}): install rclone (apt-get install rclone) or put it on PATH", ExitCodes.Fatal, e);
        }
    }

    private static bool IsCoffreOrResticVariable(string key) =>
        key.StartsWith("COFFRE_", StringComparison.Ordinal) || key.StartsWith("RESTIC_", StringComparison.Ordinal);

    /// <summary>The HTTP/2 connection over the child's pipes; there is only one, so a second call means it was lost.</summary>
    public Stream Connect()
    {
        if (Interlocked.Exchange(ref _connected, 1) == 1)
            throw new IOException($"the connection to rclone was lost{(Explain() is { } why ? $": {why}" : "")}");
        return new StdioStream(_process.StandardOutput.BaseStream, _process.StandardInput.BaseStream);
    }

    /// <summary>Why requests fail when the child is gone (its exit code and last stderr lines), else null.</summary>
    public string? Explain()
    {
        // The pipes close a moment before the exit is visible.
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2))) return null;
        _stderrReader.Wait(TimeSpan.FromSeconds(2));
        string tail;
        lock (_stderr) tail = string.Join(" | ", _stderr);
        return $"rclone exited with code {_process.ExitCode}{(tail.Length > 0 ? $": {tail}" : " and printed nothing")}";
    }

    private async Task ReadStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                var kept = new string([.. line.Take(KeptLineLength).Select(c => char.IsControl(c) ? ' ' : c)]);
                lock (_stderr)
                {
                    _stderr.Enqueue(kept);
                    while (_stderr.Count > KeptStderrLines) _stderr.Dequeue();
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            // rclone stops when its input ends (the HTTP client may have closed it already)
            try { _process.StandardInput.BaseStream.Dispose(); }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                _process.WaitForExit();
            }
        }
        finally { _process.Dispose(); }
    }

    /// <summary>Reads the child's stdout, writes its stdin.</summary>
    private sealed class StdioStream(Stream stdout, Stream stdin) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => stdout.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => stdout.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => stdout.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => stdin.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => stdin.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => stdin.WriteAsync(buffer, offset, count, cancellationToken);
        public override void Flush() => stdin.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => stdin.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try { stdin.Dispose(); } catch (IOException) { }
                stdout.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
