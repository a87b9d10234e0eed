namespace Coffre.Sources.MySql;

/// <summary>
/// How to reach one MySQL or MariaDB database. <paramref name="Password"/> is the secret itself, read by the caller
/// from wherever the configuration says; it reaches the tools only through a 0600 option file deleted afterwards
/// (never argv). Null leaves authentication to the environment (<c>~/.my.cnf</c>, unix socket, <c>MYSQL_PWD</c>).
/// The tools are taken from <paramref name="BinDirectory"/> by absolute path: <c>mariadb-dump</c> and
/// <c>mariadb</c> when present, else <c>mysqldump</c> and <c>mysql</c>. As with the mysql client, the host
/// <c>localhost</c> means the server's default unix socket.
/// </summary>
public sealed record MySqlSettings(string Name, string Host, int Port, string Database, string User, string? Password, string BinDirectory = "/usr/bin")
{
    /// <summary>
    /// Whether a restore may run as a user with the global FILE or SUPER privilege: false refuses it, since a hostile
    /// dump would run with it (<c>databases[].allowPrivilegedRestore</c>).
    /// </summary>
    public bool AllowPrivilegedRestore { get; init; }

    /// <summary>Never prints the password.</summary>
    public override string ToString()
        => $"MySqlSettings {{ Name = {Name}, Host = {Host}, Port = {Port}, Database = {Database}, User = {User}, Password = {(Password is null ? "(none)" : "***")}, BinDirectory = {BinDirectory}, AllowPrivilegedRestore = {AllowPrivilegedRestore} }}";
}
