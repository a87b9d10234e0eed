using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace Coffre.Platform;

/// <summary>
/// User and group name lookups through glibc NSS (getpwuid_r, getgrgid_r, getpwnam_r, getgrnam_r), so LDAP/sssd
/// users resolve too. Results, including "unknown", are cached for the life of the process; thread-safe.
/// </summary>
public static unsafe class UserNames
{
    private const int InitialBufferSize = 1024;
    private const int MaxBufferSize = 1 << 20;

    private static readonly ConcurrentDictionary<uint, string?> UserNamesById = new();
    private static readonly ConcurrentDictionary<uint, string?> GroupNamesById = new();
    private static readonly ConcurrentDictionary<string, uint?> UserIdsByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, uint?> GroupIdsByName = new(StringComparer.Ordinal);

    /// <summary>The user name for a uid, or null when unknown.</summary>
    public static string? UserName(uint uid) => UserNamesById.GetOrAdd(uid, LookUpUserName);

    /// <summary>The group name for a gid, or null when unknown.</summary>
    public static string? GroupName(uint gid) => GroupNamesById.GetOrAdd(gid, LookUpGroupName);

    /// <summary>The uid for a user name, or null when unknown.</summary>
    public static uint? UserId(string name) => UserIdsByName.GetOrAdd(name, LookUpUserId);

    /// <summary>The gid for a group name, or null when unknown.</summary>
    public static uint? GroupId(string name) => GroupIdsByName.GetOrAdd(name, LookUpGroupId);

    private static string? LookUpUserName(uint uid)
    {
        for (int size = InitialBufferSize; size <= MaxBufferSize; size *= 4)
        {
            byte[] buffer = new byte[size];
            LibC.Passwd entry;
            LibC.Passwd* result = null;
            int error;
            fixed (byte* b = buffer)
            {
                error = LibC.getpwuid_r(uid, &entry, b, (nuint)size, &result);
                if (error == 0)
                {
                    return result == null ? null : FromCString(result->pw_name);
                }
            }
            if (error != Errno.ERANGE && error != Errno.EINTR)
            {
                return null;
            }
        }
        return null;
    }

    private static string? LookUpGroupName(uint gid)
    {
        for (int size = InitialBufferSize; size <= MaxBufferSize; size *= 4)
        {
            byte[] buffer = new byte[size];
            LibC.Group entry;
            LibC.Group* result = null;
            int error;
            fixed (byte* b = buffer)
            {
                error = LibC.getgrgid_r(gid, &entry, b, (nuint)size, &result);
                if (error == 0)
                {
                    return result == null ? null : FromCString(result->gr_name);
                }
            }
            if (error != Errno.ERANGE && error != Errno.EINTR)
            {
                return null;
            }
        }
        return null;
    }

    private static uint? LookUpUserId(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        for (int size = InitialBufferSize; size <= MaxBufferSize; size *= 4)
        {
            byte[] buffer = new byte[size];
            LibC.Passwd entry;
            LibC.Passwd* result = null;
            int error;
            fixed (byte* n = nameBytes)
            fixed (byte* b = buffer)
            {
                error = LibC.getpwnam_r(n, &entry, b, (nuint)size, &result);
                if (error == 0)
                {
                    return result == null ? null : result->pw_uid;
                }
            }
            if (error != Errno.ERANGE && error != Errno.EINTR)
            {
                return null;
            }
        }
        return null;
    }

    private static uint? LookUpGroupId(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        for (int size = InitialBufferSize; size <= MaxBufferSize; size *= 4)
        {
            byte[] buffer = new byte[size];
            LibC.Group entry;
            LibC.Group* result = null;
            int error;
            fixed (byte* n = nameBytes)
            fixed (byte* b = buffer)
            {
                error = LibC.getgrnam_r(n, &entry, b, (nuint)size, &result);
                if (error == 0)
                {
                    return result == null ? null : result->gr_gid;
                }
            }
            if (error != Errno.ERANGE && error != Errno.EINTR)
            {
                return null;
            }
        }
        return null;
    }

    private static string? FromCString(byte* text)
        => text == null ? null : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));
}
