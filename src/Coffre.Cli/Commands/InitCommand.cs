using System.CommandLine;

namespace Coffre.Cli.Commands;

internal static class InitCommand
{
    public static Command Create()
    {
        var cmd = new Command("init", "Create a new repository (restic format v2: AES-256, zstd, deduplicated)");
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var backend = RepositoryOpener.Backend(pr);
            if (await backend.ExistsAsync(ct)) throw new CoffreException($"a repository already exists at {backend.Location}");
            var password = RepositoryOpener.Password(pr, confirm: true);
            var repo = await Repository.Repository.InitAsync(backend, password, TimeProvider.System, ct);
            if (pr.GetValue(GlobalOptions.Json))
                Console.WriteLine($"{{\"message_type\":\"initialized\",\"id\":\"{repo.Config.Id}\",\"repository\":\"{Output.JsonText.Escape(backend.Location)}\"}}");
            else if (!pr.GetValue(GlobalOptions.Quiet))
            {
                Console.WriteLine($"created coffre repository {repo.Config.Id[..10]} at {backend.Location}");
                Console.WriteLine("Keep the password safe: without it the data cannot be read by anyone, including you.");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
