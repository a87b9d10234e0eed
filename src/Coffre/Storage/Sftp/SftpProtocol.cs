namespace Coffre.Storage.Sftp;

/// <summary>The numbers of SFTP version 3 (draft-ietf-secsh-filexfer-02) that the client uses.</summary>
internal static class SftpProtocol
{
    public const uint Version = 3;

    /// <summary>
    /// The largest packet accepted from the server. OpenSSH's sftp-server never sends more than 256 KiB; a bigger
    /// length is a broken or hostile peer, refused before any byte of it is buffered.
    /// </summary>
    public const int MaxIncomingPacket = 256 * 1024 + 1024;

    /// <summary>Bytes per READ and WRITE request: every SFTP server must accept 32 KiB.</summary>
    public const int ChunkSize = 32 * 1024;

    public const byte Init = 1, VersionReply = 2, Open = 3, Close = 4, Read = 5, Write = 6, Lstat = 7, Fstat = 8,
        Opendir = 11, Readdir = 12, Remove = 13, Mkdir = 14, Stat = 17, Rename = 18, Extended = 200;

    public const byte StatusReply = 101, HandleReply = 102, DataReply = 103, NameReply = 104, AttrsReply = 105, ExtendedReply = 201;

    // SSH_FXF_* open flags.
    public const uint OpenRead = 0x01, OpenWrite = 0x02, OpenCreate = 0x08, OpenTruncate = 0x10, OpenExclusive = 0x20;

    // SSH_FILEXFER_ATTR_* flags.
    public const uint AttrSize = 0x01, AttrUidGid = 0x02, AttrPermissions = 0x04, AttrTimes = 0x08, AttrExtended = 0x80000000;

    public const uint FileTypeMask = 0xF000, RegularFile = 0x8000, DirectoryType = 0x4000;

    public const string FsyncExtension = "fsync@openssh.com";
    public const string PosixRenameExtension = "posix-rename@openssh.com";
}

/// <summary>SSH_FX_* status codes.</summary>
internal enum SftpStatus : uint
{
    Ok = 0,
    Eof = 1,
    NoSuchFile = 2,
    PermissionDenied = 3,
    Failure = 4,
    BadMessage = 5,
    NoConnection = 6,
    ConnectionLost = 7,
    OpUnsupported = 8,
}

/// <summary>File attributes as SFTP v3 sends them; only what the backend uses is kept.</summary>
internal readonly record struct SftpAttributes(long? Size, uint? Permissions)
{
    public bool IsRegularFile => Permissions is null || (Permissions.Value & SftpProtocol.FileTypeMask) == SftpProtocol.RegularFile;
    public bool IsDirectory => Permissions is { } p && (p & SftpProtocol.FileTypeMask) == SftpProtocol.DirectoryType;
}

/// <summary>The server answered a request with an error status.</summary>
public sealed class SftpStatusException : IOException
{
    internal SftpStatusException(string message, uint code) : base(message) => Code = code;

    public SftpStatusException() { }
    public SftpStatusException(string message) : base(message) { }
    public SftpStatusException(string message, Exception inner) : base(message, inner) { }

    public uint Code { get; }
    internal bool IsNoSuchFile => Code == (uint)SftpStatus.NoSuchFile;
}

/// <summary>The server broke the protocol (bad length, unknown reply, wrong id): the connection is closed.</summary>
public sealed class SftpProtocolException : IOException
{
    public SftpProtocolException() { }
    public SftpProtocolException(string message) : base(message) { }
    public SftpProtocolException(string message, Exception inner) : base(message, inner) { }
}
