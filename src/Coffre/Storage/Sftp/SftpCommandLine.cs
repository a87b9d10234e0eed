using System.Globalization;
using System.Text;

namespace Coffre.Storage.Sftp;

/// <summary>
/// The command that opens the SFTP channel, like restic's: <c>ssh [COFFRE_SFTP_ARGS] -o BatchMode=yes [-p port]
/// [-l user] -s -- host sftp</c>, or the whole command line from <c>COFFRE_SFTP_COMMAND</c> (restic's
/// <c>-o sftp.command</c>), which must speak SFTP on its stdin/stdout. Both are split like a shell would split them
/// (quotes and backslashes), without running a shell.
/// </summary>
public static class SftpCommandLine
{
    public const string CommandVariable = "COFFRE_SFTP_COMMAND";
    public const string ArgsVariable = "COFFRE_SFTP_ARGS";

    public static IReadOnlyList<string> For(SftpLocation location, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue(CommandVariable, out var command) && !string.IsNullOrWhiteSpace(command))
        {
            var words = Split(command, CommandVariable);
            if (words.Count == 0) throw new FormatException($"{CommandVariable} is empty");
            return words;
        }
        var argv = new List<string> { "ssh" };
        if (environment.TryGetValue(ArgsVariable, out var extra) && !string.IsNullOrWhiteSpace(extra)) argv.AddRange(Split(extra, ArgsVariable));
        // BatchMode: never a password or passphrase prompt (there is no terminal to answer it): a clear failure instead.
        argv.AddRange(["-o", "BatchMode=yes"]);
        if (location.Port is { } port) argv.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (location.User is { } user) argv.AddRange(["-l", user]);
        argv.AddRange(["-s", "--", location.Host, "sftp"]);
        return argv;
    }

    /// <summary>Splits a command line into words: blanks separate, '…' and "…" quote, \ escapes (outside '…').</summary>
    public static List<string> Split(string line, string what)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = '\0'; else word.Append(c);
                continue;
            }
            if (c == '\\')
            {
                if (++i >= line.Length) throw new FormatException($"{what} ends with a lone backslash");
                word.Append(line[i]);
                inWord = true;
                continue;
            }
            if (quote == '"')
            {
                if (c == '"') quote = '\0'; else word.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        if (quote != '\0') throw new FormatException($"{what} has an unclosed {quote} quote");
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
