using Coffre.Jobs.Service;

namespace Coffre.Server;

/// <summary>The engine runner's live progress (<see cref="JobProgress"/>), or none when the host runs jobs its own way.</summary>
public sealed record LiveJob(JobProgress? Progress);
