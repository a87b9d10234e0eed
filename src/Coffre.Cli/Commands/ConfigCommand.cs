using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Configuration;

namespace Coffre.Cli.Commands;

/// <summary><c>coffre config check [-c FILE]</c> (<see cref="GlobalOptions.Config"/>): loads coffre.json and names every faulty key.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Validate the configuration file and name each faulty key");
        CommandRunner.SetAction(check, (pr, ct) =>
        {
            var config = ConfigLoader.Load(pr.GetValue(GlobalOptions.Config));
            var errors = ConfigValidator.Validate(config);
            var file = pr.GetValue(GlobalOptions.Config) is { Length: > 0 } given && !Directory.Exists(given) ? given : ConfigLoader.DefaultFileName;
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new
                {
                    message_type = "config_check",
                    file = config.FilePath,
                    valid = errors.Count == 0,
                    application = config.Application,
                    databases = config.Databases.Count,
                    media = config.Media.Count,
                    repository = config.Repository.Path,
                    errors = errors.Select(e => new { key = e.Key, message = e.Message }),
                });
            else if (errors.Count > 0)
                foreach (var e in errors) Console.Error.WriteLine($"{file}: {e.Key}: {e.Message}");
            else if (!pr.GetValue(GlobalOptions.Quiet))
                Console.WriteLine($"{file} is valid: application {config.Application}, {config.Databases.Count} database(s), "
                    + $"{config.Media.Count} media folder(s), repository {config.Repository.Path}");
            return Task.FromResult(errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Fatal);
        });
        return new Command("config", "Work with the application configuration file (coffre.json)") { check, ConfigRestore.Create() };
    }
}
