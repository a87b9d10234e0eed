using Coffre.Configuration;
using Coffre.Sources;

namespace Coffre.Jobs;

/// <summary>A configuration section becomes a source: its engine (<see cref="DatabaseEngines"/>) builds it, with the password its section names.</summary>
public static class SourceFactory
{
    /// <param name="db">A completed section (<see cref="ConfigLoader"/>).</param>
    /// <param name="repositoryStagingFolder">
    /// A local repository's <c>data/</c> folder, or null. SQLite dumps are never staged there (a plaintext copy of a
    /// database does not belong in the repository) but older versions did: their leftovers (<c>.coffre-sqlite-*</c>,
    /// from a crashed run) are removed. Dumps are staged in a private folder under <c>$TMPDIR</c>.
    /// </param>
    /// <param name="environment">Where a <c>passwordEnv</c> is looked up; null: the process environment.</param>
    public static IDatabaseSource Create(DatabaseSection db, string? repositoryStagingFolder, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var name = db.Name ?? throw new CoffreException("a database in the configuration has no name");
        var engine = DatabaseEngines.Require(db.Engine, name);
        return engine.CreateSource(db, engine.TakesPassword ? Password(db, environment) : null, repositoryStagingFolder);
    }

    private static string? Password(DatabaseSection db, IDictionary<string, string?>? environment) =>
        PasswordSource.Resolve(db, environment) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
