using System.Diagnostics;
using System.Text;
using Coffre.Sources;

namespace Coffre.Configuration;

/// <summary>
/// Obtains a password from the source a section names: an environment variable, a private file (first line), or a
/// command run with <c>/bin/sh -c</c> (first line of its output). The password never appears in a message: errors
/// name the variable, file or command, and quote the command's error output, never its standard output. A command
/// runs with the environment of <see cref="ChildEnvironment.PasswordCommand"/>, not Coffre's whole one (which holds
/// the other passwords).
/// </summary>
public static class PasswordSource
{
    /// <summary>How long a password command may run before it is stopped.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The repository password. Throws <see cref="CoffreException"/> when it cannot be obtained.</summary>
    public static byte[] Resolve(RepositorySection r, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Resolve(r, "repository", environment)
            ?? throw new CoffreException("repository: no password source: set one of passwordEnv, passwordFile or passwordCommand in coffre.json");
    }

    /// <summary>The password of a copy (coffre.json <c>copies</c>). Throws <see cref="CoffreException"/> when it cannot be obtained.</summary>
    public static byte[] Resolve(CopySection copy, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return Resolve(copy, $"copy {copy}", environment)
            ?? throw new CoffreException($"copy {copy}: no password source: set one of passwordEnv, passwordFile or passwordCommand in coffre.json");
    }

    /// <summary>A database's password, or null when it names no source (the client's own configuration applies).</summary>
    public static byte[]? Resolve(DatabaseSection db, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        return Resolve(db, $"database {db.Name}", environment);
    }

    /// <summary>The password of a database's administrator (<c>databases[].admin</c>), or null when it names no source.</summary>
    public static byte[]? Resolve(DatabaseAdminSection admin, string databaseName, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        return Resolve((IPasswordSource)admin, $"database {databaseName}: admin", environment);
    }

    /// <summary>The SMTP password of the alerts' mail, or null when it names no source.</summary>
    public static byte[]? Resolve(EmailAlert email, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Resolve(email, "alerts.email", environment);
    }

    private static byte[]? Resolve(IPasswordSource s, string what, IDictionary<string, string?>? environment)
    {
        var sources = new[] { s.PasswordEnv, s.PasswordFile, s.PasswordCommand }.Count(x => !string.IsNullOrWhiteSpace(x));
        if (sources > 1)
            throw new CoffreException($"{what}: set only one of passwordEnv, passwordFile and passwordCommand");
        if (!string.IsNullOrWhiteSpace(s.PasswordEnv)) return FromEnvironment(s.PasswordEnv, what, environment);
        if (!string.IsNullOrWhiteSpace(s.PasswordFile)) return FromFile(s.PasswordFile, what);
        if (!string.IsNullOrWhiteSpace(s.PasswordCommand)) return FromCommand(s.PasswordCommand, what);
        return null;
    }

    private static byte[] FromEnvironment(string name, string what, IDictionary<string, string?>? environment)
    {
        var value = environment is null
            ? Environment.GetEnvironmentVariable(name)
            : environment.TryGetValue(name, out var v) ? v : null;
        if (string.IsNullOrEmpty(value))
            throw new CoffreException($"{what}: the password variable {name} is {(value is null ? "not set" : "empty")}: export {name}=... before running coffre");
        return Encoding.UTF8.GetBytes(value);
    }

    internal static byte[] FromFile(string file, string what)
    {
        if (ConfigValidator.PasswordFileProblem(file) is { } problem)
            throw new CoffreException($"{what}: {problem}");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CoffreException($"{what}: cannot read password file {file}: {e.Message}", e);
        }
        var line = FirstLine(bytes);
        if (line.Length == 0) throw new CoffreException($"{what}: password file {file} is empty (the first line is the password)");
        return line;
    }

    private static byte[] FromCommand(string command, string what) => FromProgram("/bin/sh", ["-c", command], command, what);

    /// <summary>
    /// The first line <paramref name="program"/> prints (run without a shell, in <see cref="ChildEnvironment.PasswordCommand"/>'s
    /// environment); <paramref name="command"/> is how messages show it.
    /// </summary>
    internal static byte[] FromProgram(string program, IEnumerable<string> arguments, string command, string what)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false, // an interactive command (gpg's pinentry, a prompt) keeps the terminal
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        ChildEnvironment.PasswordCommand.ApplyTo(psi);
        using var p = new Process { StartInfo = psi };
        try { p.Start(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new CoffreException($"{what}: cannot run the password command ({command}): {e.Message}", e);
        }
        // Both outputs are read to their end (no pipe stall) but only their start is kept: a command that prints
        // without end cannot fill memory.
        var copy = ReadStartAsync(p.StandardOutput.BaseStream, MaxOutput);
        var stderr = ReadStartAsync(p.StandardError.BaseStream, MaxOutput);
        if (!p.WaitForExit(CommandTimeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new CoffreException($"{what}: the password command ({command}) did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
        var output = copy.GetAwaiter().GetResult();
        var err = Encoding.UTF8.GetString(stderr.GetAwaiter().GetResult()).Trim();
        if (err.Length > 500) err = err[..500] + "...";
        var said = err.Length > 0 ? $": {err.ReplaceLineEndings(" ")}" : "";
        if (p.ExitCode != 0)
            throw new CoffreException($"{what}: the password command ({command}) failed with exit code {p.ExitCode}{said}");
        var line = FirstLine(output);
        if (line.Length == 0)
            throw new CoffreException($"{what}: the password command ({command}) printed no password{said}");
        return line;
    }

    /// <summary>How much of a password command's output (each of stdout and stderr) is kept.</summary>
    internal const int MaxOutput = 64 * 1024;

    private static async Task<byte[]> ReadStartAsync(Stream stream, int max)
    {
        var kept = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = (int)Math.Min(n, max - kept.Length);
            if (room > 0) kept.Write(buffer, 0, room);
        }
        return kept.ToArray();
    }

    /// <summary>The first line (a trailing <c>\r</c> dropped), like restic's password files.</summary>
    private static byte[] FirstLine(byte[] bytes)
    {
        var end = Array.IndexOf(bytes, (byte)'\n');
        if (end < 0) end = bytes.Length;
        if (end > 0 && bytes[end - 1] == '\r') end--;
        return bytes[..end];
    }
}
