namespace Coffre.Sources;

/// <summary>
/// Why a database cannot be dumped on this machine (a client tool missing, or older than the server): a stable code, one
/// line saying what is wrong, and what fixes it. <see cref="Failing"/>: backups of it fail; else they may.
/// </summary>
public sealed record ToolProblem(string Code, string Text, string Fix, bool Failing);
