using Coffre.Configuration;
using Coffre.Jobs.Service;

namespace Coffre.Cli.Journal;

/// <summary>
/// The CLI's application verbs (backup, restore, drill with coffre.json) wait for their turn at the application's
/// <see cref="JobGate"/>, the same the service's jobs and every other process wait at: a backup run by hand while
/// the service's scheduled drill runs starts once it ended, and says so on stderr.
/// </summary>
internal static class JobTurn
{
    public static async Task<int> RunAsync(CoffreConfig config, string name, Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        using var ticket = new JobTicket(name) { Waiting = line => Console.Error.WriteLine($"coffre: {line}") };
        return await JobGate.For(config).RunAsync(ticket, body, ct);
    }
}
