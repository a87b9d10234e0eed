using Coffre.Model;

namespace Coffre.Repository.Keys;

/// <summary>One key file as <c>key list</c> shows it: ID, who and where created it, when, and what it is.</summary>
/// <param name="Id">The full key file name (64 hex characters).</param>
/// <param name="IsCurrent">This key opened the repository in this process.</param>
/// <param name="IsRecovery">A recovery key (<see cref="RecoveryCode"/>).</param>
public sealed record KeyInfo(string Id, string Username, string Hostname, GoTime Created, bool IsCurrent, bool IsRecovery)
{
    public string ShortId => Id[..8];

    public static KeyInfo From(string id, KeyFile keyFile, string currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        return new KeyInfo(id, keyFile.Username, keyFile.Hostname, keyFile.Created, id == currentKeyId, RecoveryCode.IsRecoveryKey(keyFile));
    }
}
