namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// The project's shared/ folder (fixtures, dataset scripts): beside the repository's root, as CI checks it out
/// (../shared), or at /work/shared on a developer's machine.
/// </summary>
internal static class SharedFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Coffre.slnx"))) continue;
            var beside = System.IO.Path.Combine(dir.FullName, "..", "shared", relative);
            if (File.Exists(beside)) return System.IO.Path.GetFullPath(beside);
            break;
        }
        var fallback = System.IO.Path.Combine("/work/shared", relative);
        return File.Exists(fallback) ? fallback : throw new FileNotFoundException($"shared/{relative} not found beside the repository nor in /work/shared");
    }
}
