using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Coffre.Tests;

/// <summary>The engine stays host-agnostic (architecture.md): no console, no argument parsing, no web host.</summary>
public class ArchitectureTests
{
    private static readonly string EnginePath = typeof(Coffre.Repository.Repository).Assembly.Location;

    [Fact]
    public void EngineReferencesNoHostAssembly()
    {
        var names = typeof(Coffre.Repository.Repository).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(names, n => n!.StartsWith("System.CommandLine", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n!.Equals("coffre", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n!.Equals("Coffre.Server", StringComparison.OrdinalIgnoreCase)); // the service host builds on the engine, never the reverse
        Assert.DoesNotContain("System.Console", names);
    }

    [Fact]
    public void EngineNeverTouchesTheConsole()
    {
        using var stream = File.OpenRead(EnginePath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var consoleRefs = md.TypeReferences
            .Select(h => md.GetTypeReference(h))
            .Where(t => md.GetString(t.Namespace) == "System" && md.GetString(t.Name) == "Console")
            .ToList();
        Assert.Empty(consoleRefs);
    }
}
