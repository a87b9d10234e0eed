using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Packaging;

/// <summary>
/// The README installs coffre as a .NET tool: the CLI project packs as one (PackAsTool, command "coffre"), the tool
/// installs from that package, and the installed command backs up a folder that restic 0.14 then checks.
/// </summary>
public sealed class DotnetToolTests : IDisposable
{
    private readonly TestDirectory _dir = new("dotnet-tool");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_packed_tool_installs_and_its_coffre_command_backs_up()
    {
        var root = SourceRoot();
        var packages = _dir.CreateSub("packages");
        var tools = _dir.Sub("tools");
        var env = new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        // The suite's command built everything in Release before the tests: pack those very binaries.
        var pack = ProcessRunner.Run("dotnet", ["pack", Path.Combine(root, "src", "Coffre.Cli"), "-c", "Release", "--no-build", "-o", packages, "-nologo"], env, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, pack.StdOut + pack.StdErr);
        var package = Assert.Single(Directory.GetFiles(packages, "Coffre.Cli.*.nupkg"));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == "LICENSE");
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        }

        var install = ProcessRunner.Run("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "Coffre.Cli"], env, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);
        var coffre = Path.Combine(tools, "coffre");
        var version = ProcessRunner.Run(coffre, ["--version"], env);
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("0.", version.StdOut.Trim(), StringComparison.Ordinal);

        var repo = _dir.Sub("repo");
        var passwordFile = _dir.Sub("password");
        File.WriteAllText(passwordFile, TestPasswords.Default + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var source = _dir.CreateSub("data");
        File.WriteAllText(Path.Combine(source, "a.txt"), "hello from the installed tool");
        Assert.Equal(0, ProcessRunner.Run(coffre, ["-r", repo, "--password-file", passwordFile, "init"], env).ExitCode);
        var backup = ProcessRunner.Run(coffre, ["-r", repo, "--password-file", passwordFile, "backup", source], env);
        Assert.True(backup.ExitCode == 0, backup.StdErr);
        Assert.Equal(0, new ResticRunner(repo).Run("check", "--read-data").ExitCode);
    }

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Coffre.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Coffre.slnx not found above " + AppContext.BaseDirectory);
    }
}
