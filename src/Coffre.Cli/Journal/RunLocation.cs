using System.CommandLine;
using Coffre.Configuration;

namespace Coffre.Cli.Journal;

/// <summary>Where a command's run is journaled: the repository it was given and coffre.json, when there is one that reads.</summary>
internal static class RunLocation
{
    /// <summary>coffre.json, or null when there is none or it cannot be read (the command reported it).</summary>
    public static CoffreConfig? Config(ParseResult pr)
    {
        if (!AppConfig.IsPresent(pr)) return null;
        try { return AppConfig.Load(pr); }
        catch (CoffreException) { return null; }
    }

    /// <summary>The repository the run used and the configuration's logging section (null without a readable coffre.json).</summary>
    public static (string? Repository, LoggingSection? Logging) Locate(ParseResult pr, string? repository)
    {
        var config = Config(pr);
        return (repository ?? RepositoryOpener.GivenLocation(pr) ?? config?.Repository.Location, config?.Logging);
    }
}
