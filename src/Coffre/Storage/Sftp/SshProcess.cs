using System.Diagnostics;
using System.Text;

namespace Coffre.Storage.Sftp;

/// <summary>
/// The ssh child speaking SFTP on its stdin/stdout. Its stderr is read continuously and only its tail kept (for the
/// error message when it dies: "Permission denied (publickey)", "Connection refused"...). Killed on dispose.
/// The child's environment is only what ssh needs: never the repository password or another backend's secret.
/// </summary>
internal sealed class SshProcess : IDisposable
{
    private const int StderrTail = 4096;

    /// <summary>What ssh (or a wrapper given in COFFRE_SFTP_COMMAND) may need from the environment.</summary>
    private static readonly string[] PassedVariables = ["HOME", "USER", "LOGNAME", "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ"];

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private SshProcess(Process process)
    {
        _process = process;
        _stderrPump = PumpStderrAsync();
    }

    public Stream Input => _process.StandardInput.BaseStream;
    public Stream Output => _process.StandardOutput.BaseStream;

    public static SshProcess Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            if (value is null) continue;
            if (PassedVariables.Contains(key, StringComparer.Ordinal) || key.StartsWith("SSH_", StringComparison.Ordinal))
                info.Environment[key] = value;
        }
        try
        {
            return new SshProcess(Process.Start(info) ?? throw new IOException($"could not start {command[0]}"));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"could not start '{command[0]}' for SFTP ({e.Message}): install OpenSSH's client (apt-get install openssh-client) or set COFFRE_SFTP_COMMAND", e);
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        try
        {
            while (true)
            {
                var n = await _process.StandardError.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0) return;
                lock (_stderr)
                {
                    _stderr.Append(buffer, 0, n);
                    if (_stderr.Length > StderrTail) _stderr.Remove(0, _stderr.Length - StderrTail);
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
    }

    /// <summary>
    /// Why the child went away, in one line: its exit code and the last lines of its stderr (waits up to
    /// <paramref name="wait"/> for it to exit and its stderr to end).
    /// </summary>
    public async Task<string> DescribeExitAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await _stderrPump.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        string tail;
        lock (_stderr) tail = _stderr.ToString();
        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => new string([.. l.Where(c => !char.IsControl(c))]))
            .Where(l => l.Length > 0).TakeLast(3).ToList();
        var said = lines.Count == 0 ? "" : ": " + string.Join("; ", lines);
        if (said.Length > 600) said = said[..600] + "…";
        return _process.HasExited ? $"ssh exited with code {_process.ExitCode}{said}" : $"ssh stopped answering{said}";
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        Kill();
        try { _process.WaitForExit(2000); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
