namespace Coffre.Model;

/// <summary>The content of a lock file (<c>locks/</c>); serialised by <see cref="Json.LockJson"/>.</summary>
public sealed record LockInfo(GoTime Time, bool Exclusive, string Hostname, string Username, int Pid, uint Uid, uint Gid);
