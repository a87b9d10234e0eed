using Coffre.Sources;

namespace Coffre.Archives;

/// <summary>What a database file found in an old archive holds, and the extension Coffre gives it.</summary>
public sealed record DumpKind(string Engine, string Extension);

/// <summary>
/// Recognises a database dump from its first bytes (the old script named a pg_dump custom-format file
/// <c>.sql</c>, so the name cannot be trusted): the first engine of <see cref="DatabaseEngines.All"/> that
/// recognises them (<see cref="IDatabaseEngine.RecogniseDump"/>: a pg_dump archive, a SQLite file, a mysqldump or
/// mariadb-dump header) names the engine and the extension; other text is the plain SQL of the engine that claims
/// it (<see cref="IDatabaseEngine.PlainSqlExtension"/>: PostgreSQL). Anything else (binary) is <c>unknown</c> and
/// keeps its extension.
/// </summary>
public static class DumpDetector
{
    /// <summary>How many bytes <see cref="Detect"/> wants to see (fewer when the file is shorter).</summary>
    public const int HeadSize = DatabaseEngines.DumpHeadSize;

    public static DumpKind Detect(ReadOnlySpan<byte> head, string originalExtension)
    {
        ArgumentNullException.ThrowIfNull(originalExtension);
        foreach (var engine in DatabaseEngines.All)
            if (engine.RecogniseDump(head) is { } extension) return new DumpKind(engine.Name, extension);
        if (head.Contains((byte)0) || DatabaseEngines.All.FirstOrDefault(e => e.PlainSqlExtension is not null) is not { } plain)
            return new DumpKind("unknown", originalExtension.Length > 0 ? originalExtension : "bin");
        return new DumpKind(plain.Name, plain.PlainSqlExtension!);
    }
}
