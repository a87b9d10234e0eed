namespace Coffre.Sources.PostgreSql;

/// <summary>
/// How to reach one PostgreSQL database. <paramref name="Host"/> is a name, an address or a unix socket folder
/// (starting with <c>/</c>). <paramref name="Password"/> is the secret itself, read by the caller from wherever the
/// configuration says; null leaves authentication to the environment (<c>~/.pgpass</c>, peer, trust, an inherited
/// <c>PGPASSWORD</c>). The tools (<c>pg_dump</c>, <c>pg_dumpall</c>, <c>pg_restore</c>, <c>psql</c>, <c>createdb</c>)
/// are taken from <paramref name="BinDirectory"/>, always by absolute path.
/// </summary>
public sealed record PostgreSqlSettings(string Name, string Host, int Port, string Database, string User, string? Password, string BinDirectory = "/usr/bin")
{
    /// <summary>
    /// Whether a restore may run as a role with powers over the server (a superuser...): false refuses it, since a
    /// hostile dump would run with those powers (<c>databases[].allowPrivilegedRestore</c>).
    /// </summary>
    public bool AllowPrivilegedRestore { get; init; }

    /// <summary>Never prints the password.</summary>
    public override string ToString()
        => $"PostgreSqlSettings {{ Name = {Name}, Host = {Host}, Port = {Port}, Database = {Database}, User = {User}, Password = {(Password is null ? "(none)" : "***")}, BinDirectory = {BinDirectory}, AllowPrivilegedRestore = {AllowPrivilegedRestore} }}";
}
