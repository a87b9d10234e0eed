namespace Coffre.Cli.Output;

/// <summary>Shows a new recovery code, the one time it can be shown. Printed even with --quiet: it is never shown again.</summary>
internal static class RecoveryNotice
{
    public static void Print(string code)
    {
        Console.WriteLine();
        Console.WriteLine("Recovery code (opens the repository if the password is lost):");
        Console.WriteLine();
        Console.WriteLine($"    {code}");
        Console.WriteLine();
        Console.WriteLine("It is shown only this once. Write it down and keep it offline: on paper, in a safe place, not on this");
        Console.WriteLine("machine and not beside the backups. Anyone who has it can read every backup. Type it as printed");
        Console.WriteLine("(coffre also accepts lower case and no dashes; restic needs it exactly as printed).");
    }
}
