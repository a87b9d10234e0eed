using System.Diagnostics;
using System.Text;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a child process with an exact environment (the test process's environment minus the variables the
/// caller removes, plus the ones it sets), stdin redirected (so the child never has a terminal), and stdout
/// and stderr captured. A process that outlives the timeout is killed and the test fails.
/// </summary>
internal static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var running = Start(fileName, arguments, environment, workingDirectory);
        return running.Wait(timeout ?? DefaultTimeout);
    }

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        var command = string.Join(' ', info.ArgumentList.Prepend(fileName).Select(Quote));
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command}");
        process.StandardInput.Close(); // no terminal, no input: a prompt must fail, not hang
        return new RunningProcess(process, command);
    }

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:%,@".Contains(c)) ? s : $"'{s.Replace("'", "'\\''")}'";
}

/// <summary>A started child process whose output is being collected.</summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public RunningProcess(Process process, string command)
    {
        _process = process;
        Command = command;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string Command { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public ProcessResult Wait(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
            throw new TimeoutException($"{Command} did not finish within {timeout}; killed. stderr so far: {SafeResult(_stderr)}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return new ProcessResult(Command, _process.ExitCode, _stdout.GetAwaiter().GetResult(), _stderr.GetAwaiter().GetResult());
    }

    private static string SafeResult(Task<string> t) => t.IsCompletedSuccessfully ? t.Result : "(still open)";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
