using System.Text;

namespace Coffre.Cli;

/// <summary>
/// Finds the repository password: --password-file (or $COFFRE_PASSWORD_FILE), then $COFFRE_PASSWORD, then an
/// interactive prompt. Never from an argument value: argv is visible to every user of the machine.
/// </summary>
internal static class PasswordReader
{
    public static byte[] Read(string? passwordFile, bool confirm)
    {
        passwordFile ??= Environment.GetEnvironmentVariable("COFFRE_PASSWORD_FILE");
        if (!string.IsNullOrEmpty(passwordFile)) return FromFile(passwordFile);
        var env = Environment.GetEnvironmentVariable("COFFRE_PASSWORD");
        if (env is not null) return Encoding.UTF8.GetBytes(env);
        if (Console.IsInputRedirected)
            throw new CoffreException("no password: set COFFRE_PASSWORD, or use --password-file FILE (mode 0600)");
        var first = Prompt("enter password for repository: ");
        if (confirm && Prompt("enter password again: ") != first)
            throw new CoffreException("the passwords do not match; run the command again");
        return Encoding.UTF8.GetBytes(first);
    }

    /// <summary>
    /// A new password (key add, key passwd): from <paramref name="newPasswordFile"/>, else asked twice on a
    /// terminal. Never from the environment: COFFRE_PASSWORD is the current password.
    /// </summary>
    public static byte[] ReadNew(string? newPasswordFile)
    {
        byte[] password;
        if (!string.IsNullOrEmpty(newPasswordFile)) password = FromFile(newPasswordFile);
        else if (Console.IsInputRedirected)
            throw new CoffreException("no new password: use --new-password-file FILE (mode 0600), or run on a terminal to be asked");
        else
        {
            var first = Prompt("enter new password: ");
            if (Prompt("enter new password again: ") != first) throw new CoffreException("the passwords do not match; nothing was changed");
            password = Encoding.UTF8.GetBytes(first);
        }
        if (password.Length == 0) throw new CoffreException("an empty password is not allowed; nothing was changed");
        return password;
    }

    /// <summary>The first line of a password file, refused when group or others may read or write it.</summary>
    public static byte[] FromFile(string path)
    {
        if (!File.Exists(path)) throw new CoffreException($"password file {path} does not exist");
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            throw new CoffreException($"password file {path} is readable by group or others: run 'chmod 600 {path}' first");
        var bytes = File.ReadAllBytes(path);
        // Like restic: the first line is the password (a trailing newline is not part of it).
        var end = Array.IndexOf(bytes, (byte)'\n');
        if (end < 0) end = bytes.Length;
        if (end > 0 && bytes[end - 1] == '\r') end--;
        return bytes[..end];
    }

    internal static string Prompt(string text)
    {
        Console.Error.Write(text);
        var sb = new StringBuilder();
        while (true)
        {
            var k = Console.ReadKey(intercept: true);
            if (k.Key == ConsoleKey.Enter) break;
            if (k.Key == ConsoleKey.Backspace) { if (sb.Length > 0) sb.Length--; continue; }
            sb.Append(k.KeyChar);
        }
        Console.Error.WriteLine();
        return sb.ToString();
    }
}
