using Coffre.Journal;

namespace Coffre.Server;

/// <summary>
/// Every login attempt in the run journal (docs/logging.md): operation <c>login</c>, result <c>ok</c> or
/// <c>failed</c>, and in <c>checked</c> who tried from where (<c>user admin from 127.0.0.1</c>). Never the password.
/// Records are built by the engine's <see cref="RunDetails"/>, like every other run's.
/// </summary>
public sealed class LoginJournal(ServerSetup setup)
{
    public void Record(string user, string address, bool ok, string? why)
    {
        var run = Begin();
        run.Checked = $"user {user} from {address}";
        Append(run.ToRecord(setup.Clock, setup.RepositoryPath, ok ? ExitCodes.Ok : ExitCodes.Fatal, ok ? null : why ?? "refused"));
    }

    /// <summary>A login-failures alert could not be delivered (docs/alerts.md): an <c>alert failed</c> record.</summary>
    public void RecordAlertFailure(string error) =>
        Append(Begin().ToAlertFailureRecord(setup.Clock, setup.RepositoryPath, ExitCodes.Ok, error));

    private RunDetails Begin()
    {
        var run = RunDetails.Begin("login", setup.Clock);
        run.ForApplication(setup.Config);
        return run;
    }

    private void Append(RunRecord record)
    {
        if (setup.LogFolder is not { } folder) return;
        new RunJournal(folder, setup.Clock, level: setup.Config.Logging.Level).Append(record);
    }
}
