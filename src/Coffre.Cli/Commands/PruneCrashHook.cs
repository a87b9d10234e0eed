using System.Diagnostics;
using Coffre.Storage;

namespace Coffre.Cli.Commands;

/// <summary>
/// Test hook (docs/prune.md): with COFFRE_TEST_PRUNE_KILL_AFTER=N in the environment, prune kills itself with
/// SIGKILL right after its Nth change to a pack or an index file, as a crash or kill -9 would stop it there.
/// Harmless: without the variable the backend is returned as is, and with it the only effect is that death.
/// </summary>
internal static class PruneCrashHook
{
    public const string Variable = "COFFRE_TEST_PRUNE_KILL_AFTER";

    public static IStorageBackend Wrap(IStorageBackend backend)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), out var limit) || limit <= 0) return backend;
        var changes = 0;
        return new NotifyingBackend(backend, change =>
        {
            if (change.Handle.Type is not (FileType.Pack or FileType.Index)) return;
            if (Interlocked.Increment(ref changes) >= limit) KillSelf();
        });
    }

    /// <summary>SIGKILL to this process (what Process.Kill sends on Linux): no handler, no cleanup runs.</summary>
    private static void KillSelf()
    {
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}
