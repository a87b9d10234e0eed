using Coffre.Platform;

namespace Coffre.Tests;

/// <summary>
/// Why a test cannot run on this machine, or null when it can. In CI (CI=true) always null: there the test runs
/// and fails on what is missing, because CI must not skip silently (./test.sh installs what the tests need).
/// </summary>
internal static class Needs
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>The test needs root (device nodes, chown to other users).</summary>
    public static string? Root() =>
        InCi || Posix.EffectiveUserId == 0 ? null : "needs root (mknod of a device, chown); CI=true makes this a failure";

    /// <summary>The test needs the program <paramref name="path"/>, which <paramref name="install"/> provides.</summary>
    public static string? Program(string path, string install) =>
        InCi || File.Exists(path) ? null : $"needs {path} ({install}; ./test.sh installs it); CI=true makes this a failure";
}

/// <summary>A fact that runs as root only: skipped with the reason otherwise, except in CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute() => Skip = Needs.Root();
}

/// <summary>A fact that needs a program of the system: skipped with the reason without it, except in CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ProgramFactAttribute : FactAttribute
{
    public ProgramFactAttribute(string path, string install) => Skip = Needs.Program(path, install);
}
