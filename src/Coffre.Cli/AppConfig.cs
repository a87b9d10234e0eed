using System.CommandLine;
using Coffre.Configuration;

namespace Coffre.Cli;

/// <summary>The application configuration for commands that work on an application: -c FILE, or ./coffre.json.</summary>
internal static class AppConfig
{
    /// <summary>Whether the command line or the current folder names a configuration.</summary>
    public static bool IsPresent(ParseResult pr) =>
        pr.GetValue(GlobalOptions.Config) is not null || File.Exists(ConfigLoader.DefaultFileName);

    public static CoffreConfig Load(ParseResult pr) => ConfigLoader.Load(pr.GetValue(GlobalOptions.Config));
}
