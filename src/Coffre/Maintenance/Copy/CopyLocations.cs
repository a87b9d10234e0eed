using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Opens the storage of a copy (or of a copy's source) from its location string. The one place copies turn a
/// location into a backend: today a local folder, tomorrow the location registry's opener (s3:, rest:, rclone:...).
/// </summary>
public static class CopyLocations
{
    public static IStorageBackend Open(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        return new LocalBackend(location.StartsWith("local:", StringComparison.Ordinal) ? location["local:".Length..] : location);
    }
}
