using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Coffre.Sources;

/// <summary>
/// Runs the database tools (pg_dump, psql, mariadb-dump, ...) for the sources: always by absolute path (a bare name
/// could start a file of the same name next to our own executable), binary stdin/stdout through the
/// <c>BaseStream</c>s, stderr drained concurrently (no pipe deadlock) and kept bounded, secrets only through the
/// environment. A child gets a minimal environment (<see cref="ChildEnvironment"/>), never Coffre's whole one.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>Messages in English (the sources parse them), UTF-8 everywhere.</summary>
    private static readonly KeyValuePair<string, string?>[] BaseEnvironment =
    [
        new("LC_ALL", "C.UTF-8"),
        new("LANGUAGE", null),
    ];

    /// <summary>Starts <paramref name="path"/>; stdout and stdin are left to the caller, stderr is collected.</summary>
    /// <param name="inherit">What the child keeps from Coffre's environment (default: <see cref="ChildEnvironment.Tool"/>).</param>
    public static ToolProcess Start(string path, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string?>> environment, bool writeStdin = false,
        ChildEnvironment? inherit = null)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        (inherit ?? ChildEnvironment.Tool).ApplyTo(info, BaseEnvironment.Concat(environment));
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SourceException($"could not start {path}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SourceException($"could not start {path}: {e.Message}", e);
        }
        return new ToolProcess(process, Path.GetFileName(path), writeStdin);
    }

    /// <summary>Runs a tool to its end, feeding it <paramref name="stdin"/> when given; returns stdout as bytes.</summary>
    public static async Task<ToolResult> RunAsync(string path, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string?>> environment,
        CancellationToken ct, Stream? stdin = null, ChildEnvironment? inherit = null)
    {
        await using var tool = Start(path, arguments, environment, writeStdin: stdin is not null, inherit);
        var output = new MemoryStream();
        var readOut = tool.StandardOutput.CopyToAsync(output, ct);
        Exception? writeError = null;
        if (stdin is not null)
        {
            try
            {
                await stdin.CopyToAsync(tool.StandardInput, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // The tool closed its stdin early (it failed, e.g. could not connect): its exit code and stderr
                // say why; report that rather than the broken pipe.
                writeError = e;
            }
            finally
            {
                tool.CloseStandardInput();
            }
        }
        await readOut.ConfigureAwait(false);
        var (exitCode, stderr) = await tool.WaitAsync(ct).ConfigureAwait(false);
        if (writeError is not null && exitCode == 0)
            throw new SourceException($"{tool.Name} stopped reading its input: {writeError.Message}", writeError);
        return new ToolResult(exitCode, output.ToArray(), stderr) { StderrCut = tool.StderrCut };
    }
}

/// <summary>A finished tool run.</summary>
internal sealed record ToolResult(int ExitCode, byte[] Stdout, string Stderr)
{
    /// <summary>Whether the error output went past <see cref="ToolProcess.MaxStderrChars"/>: the end of it was dropped.</summary>
    public bool StderrCut { get; init; }

    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>A running tool: its stdout/stdin streams, stderr being collected; disposing kills it if still running.</summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private int _disposed;

    public ToolProcess(Process process, string name, bool writeStdin)
    {
        _process = process;
        Name = name;
        _stderr = ReadBoundedAsync(process.StandardError);
        if (!writeStdin) process.StandardInput.Close(); // no input: a prompt fails at once instead of hanging
    }

    /// <summary>
    /// How much of a tool's error output is kept. A hostile dump can make a tool print without end (pg_restore prints
    /// every failing statement whole, "Command was: ..."), so stderr is read to its end but kept bounded: lines cut at
    /// <see cref="MaxLineChars"/>, the whole at <see cref="MaxStderrChars"/>.
    /// </summary>
    public const int MaxStderrChars = 256 * 1024;

    /// <inheritdoc cref="MaxStderrChars"/>
    public const int MaxLineChars = 2048;

    public string Name { get; }

    /// <summary>Whether stderr went past <see cref="MaxStderrChars"/> (known once it ended).</summary>
    public bool StderrCut { get; private set; }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public Stream StandardOutput => _process.StandardOutput.BaseStream;
    public Stream StandardInput => _process.StandardInput.BaseStream;

    private async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[8192];
        var line = 0;
        long dropped = 0;
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var c = buffer[i];
                if (c == '\n') line = 0;
                else if (++line > MaxLineChars)
                {
                    if (line == MaxLineChars + 1 && kept.Length < MaxStderrChars) kept.Append(" [...]");
                    continue;
                }
                if (kept.Length >= MaxStderrChars) dropped++;
                else kept.Append(c);
            }
        }
        if (dropped > 0)
        {
            StderrCut = true;
            kept.Append(CultureInfo.InvariantCulture, $"\n[{dropped} more characters of error output not kept]");
        }
        return kept.ToString();
    }

    public void CloseStandardInput()
    {
        try { _process.StandardInput.Close(); }
        catch (IOException) { } // the tool already exited: its exit code tells
    }

    /// <summary>Waits for the exit; returns the exit code and the whole stderr. Cancelling kills the tool.</summary>
    public async Task<(int ExitCode, string Stderr)> WaitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
        var stderr = await _stderr.ConfigureAwait(false);
        return (_process.ExitCode, stderr);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // already gone
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Kill();
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException) { }
        try { await _stderr.ConfigureAwait(false); }
        catch (IOException) { }
        _process.Dispose();
    }
}

/// <summary>
/// A dump produced by one tool's stdout. <see cref="CompleteAsync"/> waits for the tool and turns a non-zero exit
/// code or an empty output into the <see cref="SourceException"/> that <c>explain</c> builds from stderr.
/// </summary>
internal sealed class ProcessDumpStream : DumpStream
{
    private readonly ToolProcess _tool;
    private readonly CountingReadStream _content;
    private readonly Func<int, string, SourceException> _explain;
    private readonly IDisposable? _cleanup;
    private readonly IReadOnlyDictionary<string, byte[]> _extras;

    /// <param name="explain">Builds the exception from the exit code and stderr (exit code 0 means "empty output").</param>
    /// <param name="cleanup">Disposed with the stream, after the tool is gone (e.g. a temporary credentials file).</param>
    public ProcessDumpStream(ToolProcess tool, Func<int, string, SourceException> explain, IReadOnlyDictionary<string, byte[]>? extras = null, IDisposable? cleanup = null)
    {
        _tool = tool;
        _content = new CountingReadStream(tool.StandardOutput);
        _explain = explain;
        _cleanup = cleanup;
        _extras = extras ?? new Dictionary<string, byte[]>();
    }

    public override Stream Content => _content;
    public override IReadOnlyDictionary<string, byte[]> Extras => _extras;

    /// <summary>Bytes read from <see cref="Content"/> so far.</summary>
    public long BytesRead => _content.BytesRead;

    public override async Task CompleteAsync(CancellationToken ct)
    {
        if (!_content.ReachedEnd)
        {
            var probe = new byte[1];
            if (await _content.ReadAsync(probe, ct).ConfigureAwait(false) != 0)
            {
                _tool.Kill();
                throw new InvalidOperationException($"the {_tool.Name} output was not read to its end before CompleteAsync");
            }
        }
        var (exitCode, stderr) = await _tool.WaitAsync(ct).ConfigureAwait(false);
        if (exitCode != 0 || _content.BytesRead == 0) throw _explain(exitCode, stderr);
    }

    public override async ValueTask DisposeAsync()
    {
        await _tool.DisposeAsync().ConfigureAwait(false);
        _cleanup?.Dispose();
    }

    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public bool ReachedEnd { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count), count);
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer), buffer.Length);

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false), count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

        private int Count(int n, int requested)
        {
            if (n == 0 && requested > 0) ReachedEnd = true;
            BytesRead += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
