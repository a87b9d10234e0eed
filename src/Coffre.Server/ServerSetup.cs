using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Server;

/// <summary>What <see cref="CoffreServer"/> needs from its host: the configuration, how to run a job, and the clock.</summary>
public sealed record ServerSetup
{
    public required CoffreConfig Config { get; init; }

    /// <summary>
    /// Runs the jobs; null (the default): the engine's <see cref="Jobs.Service.ApplicationJobRunner"/> for
    /// <see cref="Config"/>, which journals, rotates and alerts like <c>coffre backup -c FILE</c> and reports live
    /// progress to the dashboard. Tests put another runner here.
    /// </summary>
    public JobRunner? RunJob { get; init; }

    /// <summary>The clock of the schedule and of the login throttle (tests drive it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary><c>ADDRESS:PORT</c>; overrides server.listen (port 0: any free port).</summary>
    public string? Listen { get; init; }

    /// <summary>Where password variables are read (null: the process environment).</summary>
    public IDictionary<string, string?>? Environment { get; init; }

    /// <summary>How long a running job may go on after a stop (SIGTERM) before it is interrupted.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>What is wrong with the configuration (<see cref="ConfigValidator"/>): nothing is scheduled and the dashboard lists them.</summary>
    public IReadOnlyList<string> ConfigProblems { get; init; } = [];

    public string RepositoryPath => Storage.RepositoryLocation.Canonical(Config.Repository.LocationInForce);

    public string? LogFolder => LogPaths.Resolve(Config.Logging.Path, RepositoryPath);

    public string? GetVariable(string name) =>
        Environment is { } env ? (env.TryGetValue(name, out var v) ? v : null) : System.Environment.GetEnvironmentVariable(name);
}
