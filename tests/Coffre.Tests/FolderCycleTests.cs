using System.Text.RegularExpressions;
using Coffre.Tests.Configuration;

namespace Coffre.Tests;

/// <summary>
/// The engine's top-level folders depend on each other without cycles. The cycles of today are listed below, edge by
/// edge, as debt to pay off (issue 13): a new dependency that closes or joins a cycle fails, and an edge that no
/// longer takes part in one must leave the list, so it only shrinks.
/// </summary>
public partial class FolderCycleTests
{
    /// <summary>Folder A uses folder B, and B reaches A back: the edges that take part in a cycle today.</summary>
    private static readonly string[] KnownCycleEdges =
    [
        "Alerts->Configuration", "Alerts->Journal", "Alerts->Maintenance",
        "Application->Archiver", "Application->Configuration", "Application->Jobs", "Application->Maintenance", "Application->Recovery",
        "Application->Repository", "Application->Restore",
        "Archiver->Maintenance", "Archiver->Repository",
        "Archives->Application", "Archives->Archiver", "Archives->Configuration", "Archives->Repository", "Archives->Restore",
        "Configuration->Alerts", "Configuration->Journal", "Configuration->Scheduling",
        "Jobs->Alerts", "Jobs->Application", "Jobs->Archiver", "Jobs->Configuration", "Jobs->Journal", "Jobs->Maintenance", "Jobs->Recovery",
        "Jobs->Repository", "Jobs->Restore", "Jobs->Scheduling",
        "Journal->Application", "Journal->Archiver", "Journal->Configuration", "Journal->Jobs",
        "Maintenance->Archives", "Maintenance->Configuration", "Maintenance->Journal", "Maintenance->Repository",
        "Recovery->Application", "Recovery->Archiver", "Recovery->Configuration", "Recovery->Jobs", "Recovery->Repository", "Recovery->Restore",
        "Repository->Maintenance",
        "Restore->Archiver", "Restore->Repository",
        "Scheduling->Application", "Scheduling->Configuration", "Scheduling->Journal", "Scheduling->Repository",
    ];

    [Fact]
    public void No_new_dependency_closes_a_folder_cycle()
    {
        var edges = FolderDependencies(Path.Combine(ConfigLoaderTests.RepoRoot(), "src", "Coffre"));
        var inCycles = edges.SelectMany(e => e.Value.Where(to => Reaches(edges, to, e.Key)).Select(to => $"{e.Key}->{to}")).ToHashSet();

        var added = inCycles.Except(KnownCycleEdges).Order(StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0, $"new dependencies close a cycle between the engine's folders (move the shared piece down instead): {string.Join(", ", added)}");
        var paidOff = KnownCycleEdges.Except(inCycles).ToList();
        Assert.True(paidOff.Count == 0, $"these edges no longer take part in a cycle: remove them from {nameof(KnownCycleEdges)}: {string.Join(", ", paidOff)}");
    }

    [Fact]
    public void The_dependency_reader_sees_usings_full_names_and_relative_names()
    {
        var dir = Directory.CreateTempSubdirectory("coffre-cycles-");
        try
        {
            foreach (var f in new[] { "A", "B", "C", "D" }) Directory.CreateDirectory(Path.Combine(dir.FullName, f));
            File.WriteAllText(Path.Combine(dir.FullName, "A", "X.cs"), "using Coffre.B;\nnamespace Coffre.A;\n// C.Thing in a comment\nclass X { string s = \"D.Name\"; }");
            File.WriteAllText(Path.Combine(dir.FullName, "B", "Y.cs"), "namespace Coffre.B;\nclass Y { object o = C.Thing.Make(); int n = x.D.Count; }");
            File.WriteAllText(Path.Combine(dir.FullName, "C", "Z.cs"), "namespace Coffre.C;\nclass Z { Coffre.A.X? x; }");
            var edges = FolderDependencies(dir.FullName);
            Assert.Equal(["B"], edges["A"]);
            Assert.Equal(["C"], edges["B"]); // x.D.Count is a member, not the folder D
            Assert.Equal(["A"], edges["C"]);
            Assert.True(Reaches(edges, "A", "C") && Reaches(edges, "C", "A"));
            Assert.False(Reaches(edges, "D", "A"));
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Folder → the other top-level folders its files name: <c>using Coffre.F</c>, <c>Coffre.F.</c>, or <c>F.Type</c> (a name relative to <c>Coffre</c>).</summary>
    private static Dictionary<string, SortedSet<string>> FolderDependencies(string engine)
    {
        var folders = Directory.GetDirectories(engine).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!).ToList();
        var edges = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var folder in folders)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(engine, folder), "*.cs", SearchOption.AllDirectories))
            {
                var code = Strings().Replace(Comments().Replace(File.ReadAllText(file), ""), "\"\"");
                foreach (var other in folders.Where(o => o != folder))
                    if (Regex.IsMatch(code, $@"\bCoffre\.{other}\b|(?<![\w.]){other}\.[A-Z]", RegexOptions.None, TimeSpan.FromSeconds(5)))
                        edges[folder].Add(other);
            }
        return edges;
    }

    private static bool Reaches(Dictionary<string, SortedSet<string>> edges, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var todo = new Stack<string>([from]);
        while (todo.TryPop(out var at))
        {
            if (at == to) return true;
            foreach (var next in edges[at]) if (seen.Add(next)) todo.Push(next);
        }
        return false;
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex Strings();
}
