using Coffre.Sources.MySql;
using Coffre.Sources.PostgreSql;
using Coffre.Sources.Sqlite;

namespace Coffre.Sources;

/// <summary>
/// The database engines Coffre supports: the one list. A new engine is a folder under <c>Sources/</c> (its source and
/// its <see cref="IDatabaseEngine"/>) and one line here. The order matters only to dump recognition (first match).
/// </summary>
public static class DatabaseEngines
{
    public static IReadOnlyList<IDatabaseEngine> All { get; } =
    [
        new PostgreSqlEngine(),
        new MySqlEngine(),
        new SqliteEngine(),
    ];

    /// <summary>The engines' names, in order (<c>postgresql</c>, <c>mysql</c>, <c>sqlite</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToList();

    /// <summary>How many first bytes of a file dump recognition wants (fewer when the file is shorter).</summary>
    public const int DumpHeadSize = 4096;

    /// <summary>The engine of that exact name (as completed configuration and metadata.json spell it), or null.</summary>
    public static IDatabaseEngine? Find(string? name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>The engine whose name this is in any letter case (as someone may write it in coffre.json), or null.</summary>
    public static IDatabaseEngine? FindIgnoringCase(string? name) =>
        name is null ? null : All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The engine whose dumps carry this extension (without dot), or null.</summary>
    public static IDatabaseEngine? ForExtension(string extension) => All.FirstOrDefault(e => e.Extension == extension);

    /// <summary>Whether a file of a backup's <c>database/</c> folder is an extra file beside a dump (<c>NAME.roles.sql</c>), not a dump.</summary>
    public static bool IsExtraFile(string fileName) =>
        All.Any(e => e.ExtraFileSuffixes.Any(s => fileName.EndsWith("." + s, StringComparison.Ordinal)));

    /// <summary>The engine of a section, or a <see cref="CoffreException"/> naming the choices.</summary>
    public static IDatabaseEngine Require(string? engine, string? databaseName) =>
        Find(engine) ?? throw new CoffreException($"database {databaseName}: unknown engine \"{engine}\" (use {Choices})");

    /// <summary>The names as a choice: <c>postgresql, mysql or sqlite</c>.</summary>
    public static string Choices =>
        Names.Count == 1 ? Names[0] : $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";
}
