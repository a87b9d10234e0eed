using System.CommandLine;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

internal static class UnlockCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--remove-all") { Description = "Remove every lock, not only stale ones (only when no other coffre or restic runs)" };
        var cmd = new Command("unlock", "Remove stale locks left by processes that are gone") { all };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            var n = await RepositoryLock.RemoveLocksAsync(repo, pr.GetValue(all), TimeProvider.System, ct);
            if (!pr.GetValue(GlobalOptions.Quiet)) Console.WriteLine($"removed {n} lock(s)");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
