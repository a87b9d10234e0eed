using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Health;

/// <summary>What an inspection reads without touching the repository: the configuration, the journal's history, the clock.</summary>
public sealed record HealthInputs
{
    /// <summary>The configuration (for <c>coffre doctor -r</c> without coffre.json: an empty one naming the repository).</summary>
    public required CoffreConfig Config { get; init; }

    /// <summary>Whether <see cref="Config"/> comes from a file or a host's section; false: only a repository was given.</summary>
    public bool HasConfiguration { get; init; } = true;

    /// <summary>What is wrong with the configuration (<see cref="ConfigValidator"/>, or why it could not be read).</summary>
    public IReadOnlyList<string> ConfigProblems { get; init; } = [];

    /// <summary>The repository folder, absolute.</summary>
    public required string RepositoryPath { get; init; }

    /// <summary>Every recorded run, oldest first (history.jsonl).</summary>
    public IReadOnlyList<RunRecord> History { get; init; } = [];

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The schedule's time zone.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>The command that fixes things is shown with this, e.g. <c>-c /etc/coffre/shop.json</c> (or <c>-r PATH</c>).</summary>
    public string CommandSuffix => HasConfiguration
        ? (Config.FilePath is { } file ? $" -c {file}" : "")
        : $" -r {RepositoryPath}";

    /// <summary>The runs that concern this application or repository.</summary>
    internal bool Concerns(RunRecord r) => HasConfiguration
        ? r.Application == Config.Application || (r.Application is null && r.Repository == RepositoryPath)
        : r.Repository == RepositoryPath;
}
