using System.Reflection;

namespace Coffre;

/// <summary>The version recorded in snapshots (program_version) and shown by the hosts.</summary>
public static class ProgramInfo
{
    public static string Version { get; } = "coffre " + (typeof(ProgramInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
}
