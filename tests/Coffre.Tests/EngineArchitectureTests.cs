using System.Text.RegularExpressions;
using Coffre.Tests.Configuration;

namespace Coffre.Tests;

/// <summary>
/// A database engine is one descriptor (Sources/*/…Engine.cs) in one list (Sources/DatabaseEngines.cs): no file
/// outside src/Coffre/Sources names an engine, its extension or its types, so the next engine is one folder and one line.
/// </summary>
public partial class EngineArchitectureTests
{
    /// <summary>Mentions that are file names, not a choice of engine: (file, the exact text allowed there, why).</summary>
    private static readonly (string File, string Text, string Why)[] Allowed =
    [
        ("src/Coffre/Storage/Local/LocalBackend.cs", "\".sqlite\"", "the staging files older versions left in data/ (.coffre-sqlite-GUID.sqlite) are recognised by name"),
    ];

    [Fact]
    public void No_file_outside_Sources_switches_on_an_engine()
    {
        var root = ConfigLoaderTests.RepoRoot();
        var sources = Path.Combine(root, "src", "Coffre", "Sources") + "/";
        var files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(sources, StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found under {root}/src");

        var found = files.SelectMany(f => EngineMentions(File.ReadAllText(f))
                .Where(m => !Allowed.Any(a => Path.Combine(root, a.File) == f && a.Text == m.Text))
                .Select(m => $"{Path.GetRelativePath(root, f)}:{m.Line}: {m.Text}"))
            .ToList();
        Assert.True(found.Count == 0, "engine-specific code outside src/Coffre/Sources (ask the engine's IDatabaseEngine instead):\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("if (d.Engine == \"sqlite\") return;", "\"sqlite\"")]
    [InlineData("var e = ext switch { \".pgdump\" => x, _ => y };", "\".pgdump\"")]
    [InlineData("if (n.EndsWith(\".roles.sql\", StringComparison.Ordinal)) continue;", "\".roles.sql\"")]
    [InlineData("case \"MySQL\": break;", "\"MySQL\"")]
    [InlineData("if (d.Engine == DatabaseEngines.Sqlite) return;", "DatabaseEngines.Sqlite")]
    [InlineData("return new PostgreSqlSource(settings);", "PostgreSqlSource")]
    [InlineData("using Coffre.Sources.MySql;", "Coffre.Sources.MySql")]
    public void The_check_sees_an_engine_switch(string code, string mention)
    {
        Assert.Contains(mention, EngineMentions("namespace X;\n" + code + "\n").Select(m => m.Text));
    }

    [Fact]
    public void Comments_and_other_names_are_not_engine_switches()
    {
        Assert.Empty(EngineMentions("""
            /// <summary>Restores a <c>sqlite</c> file or a "postgresql" database.</summary>
            // "mysql" in a comment
            var url = "sqlite://" + path;
            var d = new Description("SQLite: this file");
            """));
    }

    private static IEnumerable<(int Line, string Text)> EngineMentions(string code)
    {
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
            foreach (Match m in Mention().Matches(lines[i])) yield return (i + 1, m.Value);
        }
    }

    /// <summary>An engine's name or extension as a whole string literal, an engine constant, or an engine's own types or namespace.</summary>
    [GeneratedRegex("""
        "\.?(?i:postgresql|postgres|mysql|mariadb|sqlite|pgdump|sql|roles\.sql)"
        |\bDatabaseEngines\.(?:PostgreSql|MySql|Sqlite)\b
        |\b(?:PostgreSql|MySql|Sqlite)(?:Source|Settings|Engine|Staging|Database|Native|Errors|OptionFile)\b
        |\bCoffre\.Sources\.(?:PostgreSql|MySql|Sqlite)\b
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Mention();
}
