using System.CommandLine;
using Coffre.Repository.Keys;

namespace Coffre.Cli.Commands;

internal static class InitCommand
{
    public static Command Create()
    {
        var noRecovery = new Option<bool>("--no-recovery-key") { Description = "Create no recovery key (by default a recovery code is made and shown once)" };
        var copyChunkerParams = new Option<bool>("--copy-chunker-params") { Description = "Use the chunker parameters of the --from-repo repository, so that copies between the two deduplicate (docs/copies.md)" };
        var cmd = new Command("init", "Create a new repository (restic format v2: AES-256, zstd, deduplicated) and its recovery code")
        {
            noRecovery, copyChunkerParams, CopyCommand.FromRepo, CopyCommand.FromPasswordFile,
        };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var backend = RepositoryOpener.Backend(pr);
            if (await backend.ExistsAsync(ct)) throw new CoffreException($"a repository already exists at {backend.Location}");
            Chunking.Polynomial? polynomial = null;
            if (pr.GetValue(copyChunkerParams))
            {
                var from = CopyCommand.FromLocation(pr)
                    ?? throw new CoffreException("--copy-chunker-params needs the repository to take them from: --from-repo LOCATION or COFFRE_FROM_REPOSITORY");
                polynomial = (await CopyCommand.OpenSourceAsync(pr, from, ct)).Polynomial;
            }
            var password = RepositoryOpener.Password(pr, confirm: true);
            var recoveryCode = pr.GetValue(noRecovery) ? null : RecoveryCode.Generate();
            var repo = await Repository.Repository.InitAsync(backend, password, recoveryCode, polynomial, TimeProvider.System, ct);
            if (pr.GetValue(GlobalOptions.Json))
            {
                var recovery = recoveryCode is null ? "" : $",\"recovery_key\":\"{recoveryCode}\"";
                Console.WriteLine($"{{\"message_type\":\"initialized\",\"id\":\"{repo.Config.Id}\",\"repository\":\"{Output.JsonText.Escape(backend.Location)}\"{recovery}}}");
                return ExitCodes.Ok;
            }
            if (!pr.GetValue(GlobalOptions.Quiet))
            {
                Console.WriteLine($"created coffre repository {repo.Config.Id[..10]} at {backend.Location}");
                Console.WriteLine("Keep the password safe: without it the data cannot be read by anyone, including you.");
            }
            if (recoveryCode is not null) Output.RecoveryNotice.Print(recoveryCode);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
