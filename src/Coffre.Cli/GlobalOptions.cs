using System.CommandLine;

namespace Coffre.Cli;

/// <summary>Options every command understands. Secrets are never options: the password comes from the environment, a file or a prompt.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Repo = new("--repo", "-r")
    {
        Description = "Repository location (a folder); default: $COFFRE_REPOSITORY",
        Recursive = true,
    };

    public static readonly Option<string?> PasswordFile = new("--password-file")
    {
        Description = "Read the repository password from this file (must not be readable by group or others); default: $COFFRE_PASSWORD_FILE, $COFFRE_PASSWORD or a prompt",
        Recursive = true,
    };

    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Application configuration file (default: ./coffre.json when present)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON instead of text",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print only errors",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Repo);
        root.Options.Add(Config);
        root.Options.Add(PasswordFile);
        root.Options.Add(Json);
        root.Options.Add(Quiet);
    }
}
