using System.CommandLine;
using System.Runtime.InteropServices;
using Coffre;
using Coffre.Cli;
using Coffre.Cli.Commands;

// Exit codes are a contract (README, "Exit codes"): 0 ok, 1 fatal, 3 incomplete source, 10 no repository,
// 11 locked, 12 wrong password, 130 interrupted.
var root = new RootCommand("Coffre: encrypted, deduplicated backups in the restic repository format");
GlobalOptions.AddTo(root);
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(SnapshotsCommand.Create());
root.Subcommands.Add(LsCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(RepairCommand.Create());
root.Subcommands.Add(CatCommand.Create());
root.Subcommands.Add(UnlockCommand.Create());
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(DrillCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(LogCommand.Create());
root.Subcommands.Add(ForgetCommand.Create());
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(KeyCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
root.Subcommands.Add(ScheduleCommand.Create());
root.Subcommands.Add(MetricsCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(DoctorCommand.Create());

using var interrupt = new CancellationTokenSource();
void Interrupt(PosixSignalContext ctx)
{
    ctx.Cancel = true; // let the command stop cleanly: temp files removed, locks released
    interrupt.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

try
{
    var parse = root.Parse(args);
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, interrupt.Token);
}
catch (Exception e)
{
    return ErrorReporter.Report(e, interrupt.IsCancellationRequested);
}
