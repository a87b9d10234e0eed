namespace Coffre.Sources;

/// <summary>
/// A database a restore can bring back on a new machine (docs/recovery.md): before the restore, whatever the restore
/// needs and the server or the disk lacks is created: a server's user or role (from what the backup saved beside the
/// dump: PostgreSQL's roles, MariaDB's grants), its password taken from the configuration's source, its database;
/// a file's folder. Nothing that exists is changed.
/// </summary>
public interface IRecreatableDatabase
{
    /// <summary>
    /// Creates what is missing; returns one line per thing created (empty: nothing was missing) and whether the
    /// database itself was created (then it is empty: a restore has nothing in it to keep).
    /// <paramref name="saved"/> holds the extra files the backup stored beside the dump (name → bytes);
    /// <paramref name="admin"/> is needed only when the application's own user cannot reach the server.
    /// </summary>
    Task<Recreated> RecreateMissingAsync(DatabaseAdmin? admin, IReadOnlyDictionary<string, byte[]> saved, CancellationToken ct);
}

/// <summary>What <see cref="IRecreatableDatabase.RecreateMissingAsync"/> created.</summary>
public sealed record Recreated(IReadOnlyList<string> Lines, bool DatabaseCreated)
{
    public static readonly Recreated Nothing = new([], false);
}

/// <summary>A server user that may create users, roles and databases. Never printed with its password.</summary>
public sealed record DatabaseAdmin(string User, string? Password)
{
    public override string ToString() => $"DatabaseAdmin {{ User = {User}, Password = {(Password is null ? "(none)" : "***")} }}";
}
