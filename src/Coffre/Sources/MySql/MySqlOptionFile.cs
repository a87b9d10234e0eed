using System.Text;

namespace Coffre.Sources.MySql;

/// <summary>
/// The password in a <c>[client]</c> option file, mode 0600 inside a private 0700 temp folder, handed to the tools
/// with <c>--defaults-extra-file</c> (never argv; <c>MYSQL_PWD</c> is deprecated by MySQL 8). Deleted on dispose.
/// </summary>
internal sealed class MySqlOptionFile : IDisposable
{
    private readonly string _directory;

    private MySqlOptionFile(string directory, string path)
    {
        _directory = directory;
        FilePath = path;
    }

    public string FilePath { get; }

    public static MySqlOptionFile Create(string password)
    {
        var directory = Directory.CreateTempSubdirectory("coffre-mysql-").FullName; // 0700
        var path = Path.Combine(directory, "client.cnf");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        try
        {
            using var file = new FileStream(path, options);
            // Option file values: inside double quotes, backslash escapes \\ and \" (and \n, \t, ...).
            var escaped = password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
            file.Write(Encoding.UTF8.GetBytes($"[client]\npassword=\"{escaped}\"\n"));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return new MySqlOptionFile(directory, path);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
