using Coffre.Journal;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Every login attempt in the sign-in journal (<c>logins.jsonl</c>, <see cref="SignInJournal"/>; not the run history,
/// which an anonymous client must never fill): operation <c>login</c>, result <c>ok</c> or <c>failed</c>, and in
/// <c>checked</c> who tried from where (<c>user admin from 127.0.0.1</c>, the user name cut to
/// <see cref="MaxUserLength"/> characters). Never the password. A client that keeps trying while it must wait gets
/// one record for its first refusal and one counting the rest (<see cref="RecordRefusedBurst"/>), not one per attempt.
/// Records are built by the engine's <see cref="RunDetails"/>, like every other run's.
/// </summary>
public sealed class LoginJournal(ServerSetup setup, ILogger<LoginJournal>? log = null)
{
    /// <summary>A typed user name is journaled up to this many characters (then <c>…</c>).</summary>
    public const int MaxUserLength = 64;

    public void Record(string user, string address, bool ok, string? why)
    {
        var run = Begin();
        run.Checked = $"user {Shown(user)} from {address}";
        Append(run.ToRecord(setup.Clock, setup.RepositoryPath, ok ? ExitCodes.Ok : ExitCodes.Fatal, ok ? null : why ?? "refused"));
    }

    /// <summary>The refusals of a client's last wait that were not journaled one by one, as one record.</summary>
    public void RecordRefusedBurst(string address, int refused)
    {
        var run = Begin();
        run.Checked = $"from {address}";
        Append(run.ToRecord(setup.Clock, setup.RepositoryPath, ExitCodes.Fatal, $"refused {refused} more attempt(s) while blocked"));
    }

    /// <summary>A login-failures alert could not be delivered (docs/alerts.md): an <c>alert failed</c> record in the run history, shown under Problems.</summary>
    public void RecordAlertFailure(string error)
    {
        if (setup.LogFolder is not { } folder) return;
        new RunJournal(folder, setup.Clock, level: setup.Config.Logging.Level).Append(Begin().ToAlertFailureRecord(setup.Clock, setup.RepositoryPath, ExitCodes.Ok, error));
    }

    /// <summary>The last <paramref name="count"/> sign-in records, oldest first.</summary>
    public IReadOnlyList<RunRecord> Recent(int count) => setup.LogFolder is { } folder ? new SignInJournal(folder).Recent(count) : [];

    /// <summary>A typed user name as journaled: one line, at most <see cref="MaxUserLength"/> characters.</summary>
    public static string Shown(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var cut = user.Length > MaxUserLength ? user[..MaxUserLength] + "…" : user;
        return LogLine.OneLine(cut);
    }

    private RunDetails Begin()
    {
        var run = RunDetails.Begin("login", setup.Clock);
        run.ForApplication(setup.Config);
        return run;
    }

    /// <summary>
    /// A sign-in that cannot be journaled (the log folder unwritable, the disk full) is a line in the service's log,
    /// never a failed login: whoever can fill the disk must not be able to lock the admin out.
    /// </summary>
    private void Append(RunRecord record)
    {
        if (setup.LogFolder is not { } folder) return;
        try { new SignInJournal(folder).Append(record); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.LogError("the sign-in {Checked} ({Result}) could not be journaled in {Folder}: {Message}", record.Checked, record.Result, folder, e.Message);
        }
    }
}
