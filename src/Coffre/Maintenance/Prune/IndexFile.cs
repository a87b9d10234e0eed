using Coffre.Model;

namespace Coffre.Maintenance.Prune;

/// <summary>One index file as stored: its name, its size and the packs it describes.</summary>
public sealed record IndexFile(string Name, long Size, IReadOnlyList<IndexPack> Packs);
