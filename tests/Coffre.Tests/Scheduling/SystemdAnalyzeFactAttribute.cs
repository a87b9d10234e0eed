namespace Coffre.Tests.Scheduling;

/// <summary>A test that asks systemd-analyze: skipped with a reason when it is missing, except in CI (CI=true).</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/systemd-analyze";

    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists(Path) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{Path} is not installed (Debian: systemd); CI=true makes this a failure";
    }
}
