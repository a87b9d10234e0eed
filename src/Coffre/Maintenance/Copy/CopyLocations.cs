using Coffre.Storage;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Opens the storage of a copy (or of a copy's source) from its location string, through the location registry
/// (a path, local:, s3:, rest:, rclone:, sftp:), with credentials from the environment given (restic's variables).
/// </summary>
public static class CopyLocations
{
    public static IStorageBackend Open(string location, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        return BackendOpener.Open(location, environment ?? BackendOpener.ProcessEnvironment());
    }
}
