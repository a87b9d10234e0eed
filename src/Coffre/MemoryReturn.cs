namespace Coffre;

/// <summary>
/// Whether the engine hands freed memory back at once, with a blocking, compacting collection, where it has just let
/// go of much: after a key derivation (scrypt's 32 MiB) and between the parts of an application backup (the chunk
/// buffers, docs/design.md "Memory"). A process of its own, the <c>coffre</c> command, wants that: its peak is what the
/// machine must spare. A host application does not: a forced full collection stops every thread of its process, and
/// its own GC settings are its choice. So it is off unless the process turns on the runtime switch
/// <see cref="Switch"/>; the coffre command does, in its project (RuntimeHostConfigurationOption), never the library.
/// </summary>
public static class MemoryReturn
{
    /// <summary>The runtime switch (runtimeconfig.json, or <see cref="AppContext.SetSwitch"/> at start).</summary>
    public const string Switch = "Coffre.ReturnMemoryAfterLargeRelease";

    public static bool Enabled => AppContext.TryGetSwitch(Switch, out var on) && on;

    /// <summary>One blocking, compacting collection if the process asked for it (<see cref="Switch"/>); else nothing.</summary>
    internal static void AfterLargeRelease()
    {
        if (Enabled) GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
