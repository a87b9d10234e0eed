namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that fill a disk or interrupt a running backup run alone, after the others, so that no concurrent
/// test slows them down or competes for the machine's two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
