using Coffre.Journal;

namespace Coffre.Server;

/// <summary>
/// Every login attempt in the run journal (docs/logging.md): operation <c>login</c>, result <c>ok</c> or
/// <c>failed</c>, and in <c>checked</c> who tried from where (<c>user admin from 127.0.0.1</c>). Never the password.
/// </summary>
public sealed class LoginJournal(ServerSetup setup)
{
    public void Record(string user, string address, bool ok, string? why)
    {
        if (setup.LogFolder is not { } folder) return;
        var now = setup.Clock.GetLocalNow();
        new RunJournal(folder, setup.Clock, level: setup.Config.Logging.Level).Append(new RunRecord
        {
            Operation = "login",
            Start = now,
            End = now,
            Application = setup.Config.Application,
            Repository = setup.RepositoryPath,
            Result = ok ? RunResults.Ok : RunResults.Failed,
            Error = ok ? null : LogLine.OneLine(why ?? "refused"),
            Checked = LogLine.OneLine($"user {user} from {address}"),
            ExitCode = ok ? ExitCodes.Ok : ExitCodes.Fatal,
            Host = Environment.MachineName,
        });
    }
}
