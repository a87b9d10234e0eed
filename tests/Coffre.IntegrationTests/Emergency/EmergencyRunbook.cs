using System.Text.RegularExpressions;

namespace Coffre.IntegrationTests.Emergency;

/// <summary>One ```sh block of docs/emergency.md: its text and the line it starts on (for failure messages).</summary>
internal sealed record RunbookBlock(string Section, int Line, string Text)
{
    public override string ToString() => $"docs/emergency.md:{Line} ({Section})";
}

/// <summary>A "## " section of docs/emergency.md and its ```sh blocks, in order.</summary>
internal sealed record RunbookSection(string Title, IReadOnlyList<RunbookBlock> Blocks);

/// <summary>
/// docs/emergency.md read the way an administrator reads it: the variables block under the first section, then
/// each situation's ```sh blocks in order. A fence may be indented (inside a numbered step); the indentation is removed.
/// </summary>
internal sealed partial class EmergencyRunbook
{
    public const string VariablesSection = "Before anything: set these";

    private EmergencyRunbook(IReadOnlyList<RunbookSection> sections) => Sections = sections;

    public IReadOnlyList<RunbookSection> Sections { get; }

    /// <summary>The block that sets the variables every other block uses.</summary>
    public RunbookBlock Variables => Assert.Single(Section(VariablesSection).Blocks);

    /// <summary>The names the variables block exports.</summary>
    public IReadOnlyList<string> VariableNames => [.. ExportLine().Matches(Variables.Text).Select(m => m.Groups[1].Value)];

    public RunbookSection Section(string title) =>
        Sections.SingleOrDefault(s => s.Title == title) ?? throw new Xunit.Sdk.XunitException($"docs/emergency.md has no section '## {title}'");

    public static string PathOfDoc
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var doc = Path.Combine(dir.FullName, "docs", "emergency.md");
                if (File.Exists(doc)) return doc;
            }
            throw new FileNotFoundException("docs/emergency.md not found above " + AppContext.BaseDirectory);
        }
    }

    public static EmergencyRunbook Load() => Parse(File.ReadAllLines(PathOfDoc));

    public static EmergencyRunbook Parse(IReadOnlyList<string> lines)
    {
        var sections = new List<RunbookSection>();
        string? title = null;
        var blocks = new List<RunbookBlock>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (title is not null) sections.Add(new RunbookSection(title, blocks));
                (title, blocks) = (line[3..].Trim(), []);
                continue;
            }
            var fence = line.TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal)) continue;
            var indent = line.Length - fence.Length;
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Count && lines[i].Trim() != "```"; i++)
                body.Add(lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..] : lines[i].TrimStart());
            Assert.True(i < lines.Count, $"docs/emergency.md:{start + 1}: a code block that is never closed");
            if (fence.Trim() != "```sh") continue;
            Assert.True(title is not null, $"docs/emergency.md:{start + 1}: a ```sh block before the first section");
            blocks.Add(new RunbookBlock(title, start + 1, string.Join('\n', body)));
        }
        if (title is not null) sections.Add(new RunbookSection(title, blocks));
        return new EmergencyRunbook(sections);
    }

    [GeneratedRegex(@"^export ([A-Z_][A-Z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
