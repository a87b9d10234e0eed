namespace Coffre.Storage.Sftp;

/// <summary>The SFTP requests the backend makes, each checking the type and shape of its reply.</summary>
internal sealed partial class SftpSession
{
    private delegate T ParseFunc<T>(ref SftpPacketReader reader);

    /// <summary>Parses a reply; a malformed one ends the session (the server cannot be trusted any more).</summary>
    private T Parse<T>(SftpReply reply, ParseFunc<T> parse)
    {
        var reader = new SftpPacketReader(reply.Body);
        try
        {
            return parse(ref reader);
        }
        catch (SftpProtocolException e)
        {
            throw Fail(new SftpProtocolException($"the SFTP server of {_where} sent {e.Message}"));
        }
    }

    /// <summary>A handle longer than this (the draft says 256) is a broken server.</summary>
    private const int MaxHandleLength = 256;

    public async Task<byte[]> OpenAsync(string path, uint flags, uint? permissions, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Open, w => w.WriteString(path).WriteUInt32(flags).WriteAttributes(permissions), ct).ConfigureAwait(false);
        return ExpectHandle(reply, "open", path);
    }

    public async Task<byte[]> OpenDirAsync(string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Opendir, w => w.WriteString(path), ct).ConfigureAwait(false);
        return ExpectHandle(reply, "open the folder", path);
    }

    public async Task CloseAsync(byte[] handle, string path, CancellationToken ct) =>
        ExpectOk(await RequestAsync(SftpProtocol.Close, w => w.WriteBytes(handle), ct).ConfigureAwait(false), "close", path);

    /// <summary>Reads up to <c>destination.Length</c> (at most one chunk) bytes at <paramref name="offset"/>; 0 at the end of the file.</summary>
    public async Task<int> ReadAsync(byte[] handle, long offset, Memory<byte> destination, string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Read, w => w.WriteBytes(handle).WriteUInt64((ulong)offset).WriteUInt32((uint)destination.Length), ct).ConfigureAwait(false);
        if (reply.Type == SftpProtocol.StatusReply)
        {
            var (code, message) = ParseStatus(reply);
            if (code == (uint)SftpStatus.Eof) return 0;
            throw StatusError(code, message, "read", path);
        }
        if (reply.Type != SftpProtocol.DataReply) throw UnexpectedReply(reply, "read");
        return Parse(reply, (ref SftpPacketReader r) =>
        {
            var data = r.ReadBytes();
            if (data.Length > destination.Length) throw new SftpProtocolException($"{data.Length} bytes for a read of {destination.Length}");
            data.CopyTo(destination.Span);
            return data.Length;
        });
    }

    public async Task WriteAsync(byte[] handle, long offset, ReadOnlyMemory<byte> data, string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Write, w => w.WriteBytes(handle).WriteUInt64((ulong)offset).WriteBytes(data.Span), ct,
            capacity: data.Length + handle.Length + 32).ConfigureAwait(false);
        ExpectOk(reply, "write", path);
    }

    /// <summary>The attributes of a path (following links), or null when it does not exist.</summary>
    public async Task<SftpAttributes?> StatAsync(string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Stat, w => w.WriteString(path), ct).ConfigureAwait(false);
        if (reply.Type == SftpProtocol.StatusReply)
        {
            var (code, message) = ParseStatus(reply);
            if (code == (uint)SftpStatus.NoSuchFile) return null;
            throw StatusError(code, message, "stat", path);
        }
        if (reply.Type != SftpProtocol.AttrsReply) throw UnexpectedReply(reply, "stat");
        return Parse(reply, (ref SftpPacketReader r) => r.ReadAttributes());
    }

    public async Task<SftpAttributes> FstatAsync(byte[] handle, string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Fstat, w => w.WriteBytes(handle), ct).ConfigureAwait(false);
        if (reply.Type == SftpProtocol.StatusReply)
        {
            var (code, message) = ParseStatus(reply);
            throw StatusError(code, message, "stat", path);
        }
        if (reply.Type != SftpProtocol.AttrsReply) throw UnexpectedReply(reply, "fstat");
        return Parse(reply, (ref SftpPacketReader r) => r.ReadAttributes());
    }

    /// <summary>The next batch of a folder's entries, or null at its end.</summary>
    public async Task<List<(string Name, SftpAttributes Attributes)>?> ReadDirAsync(byte[] handle, string path, CancellationToken ct)
    {
        var reply = await RequestAsync(SftpProtocol.Readdir, w => w.WriteBytes(handle), ct).ConfigureAwait(false);
        if (reply.Type == SftpProtocol.StatusReply)
        {
            var (code, message) = ParseStatus(reply);
            if (code == (uint)SftpStatus.Eof) return null;
            throw StatusError(code, message, "list", path);
        }
        if (reply.Type != SftpProtocol.NameReply) throw UnexpectedReply(reply, "readdir");
        return Parse(reply, (ref SftpPacketReader r) =>
        {
            var count = r.ReadUInt32();
            // An entry takes at least 12 bytes (two empty strings and the attribute flags).
            if (count > (uint)r.Remaining / 12) throw new SftpProtocolException($"{count} folder entries in a packet of {reply.Packet.Length} bytes");
            var entries = new List<(string, SftpAttributes)>((int)count);
            for (var i = 0; i < count; i++)
            {
                var name = r.ReadString();
                r.ReadBytes(); // the ls -l style long name
                entries.Add((name, r.ReadAttributes()));
            }
            return entries;
        });
    }

    public async Task RemoveAsync(string path, CancellationToken ct) =>
        ExpectOk(await RequestAsync(SftpProtocol.Remove, w => w.WriteString(path), ct).ConfigureAwait(false), "remove", path);

    public async Task MkdirAsync(string path, uint permissions, CancellationToken ct) =>
        ExpectOk(await RequestAsync(SftpProtocol.Mkdir, w => w.WriteString(path).WriteAttributes(permissions), ct).ConfigureAwait(false), "create the folder", path);

    /// <summary>SSH_FXP_RENAME: OpenSSH links the new name then unlinks the old one, so an existing target is never replaced.</summary>
    public async Task RenameAsync(string from, string to, CancellationToken ct) =>
        ExpectOk(await RequestAsync(SftpProtocol.Rename, w => w.WriteString(from).WriteString(to), ct).ConfigureAwait(false), "rename", from);

    /// <summary>posix-rename@openssh.com: rename(2), which atomically replaces an existing target.</summary>
    public async Task PosixRenameAsync(string from, string to, CancellationToken ct) =>
        ExpectOk(await RequestAsync(SftpProtocol.Extended, w => w.WriteString(SftpProtocol.PosixRenameExtension).WriteString(from).WriteString(to), ct).ConfigureAwait(false), "rename", from);

    /// <summary>fsync@openssh.com on an open file, when the server offers it.</summary>
    public async Task FsyncAsync(byte[] handle, string path, CancellationToken ct)
    {
        if (!Extensions.ContainsKey(SftpProtocol.FsyncExtension)) return;
        ExpectOk(await RequestAsync(SftpProtocol.Extended, w => w.WriteString(SftpProtocol.FsyncExtension).WriteBytes(handle), ct).ConfigureAwait(false), "fsync", path);
    }

    private byte[] ExpectHandle(SftpReply reply, string what, string path)
    {
        if (reply.Type == SftpProtocol.StatusReply)
        {
            var (code, message) = ParseStatus(reply);
            throw StatusError(code == (uint)SftpStatus.Ok ? (uint)SftpStatus.Failure : code, message, what, path);
        }
        if (reply.Type != SftpProtocol.HandleReply) throw UnexpectedReply(reply, what);
        return Parse(reply, (ref SftpPacketReader r) =>
        {
            var handle = r.ReadBytes();
            if (handle.Length is 0 or > MaxHandleLength) throw new SftpProtocolException($"a handle of {handle.Length} bytes");
            return handle.ToArray();
        });
    }

    private void ExpectOk(SftpReply reply, string what, string path)
    {
        if (reply.Type != SftpProtocol.StatusReply) throw UnexpectedReply(reply, what);
        var (code, message) = ParseStatus(reply);
        if (code != (uint)SftpStatus.Ok) throw StatusError(code, message, what, path);
    }

    private (uint Code, string Message) ParseStatus(SftpReply reply)
    {
        return Parse(reply, (ref SftpPacketReader r) =>
        {
            var code = r.ReadUInt32();
            // The message and language tag are optional in practice (some servers omit them).
            var message = r.Remaining >= 4 ? r.ReadString() : "";
            return (code, Printable(message));
        });
    }

    private SftpStatusException StatusError(uint code, string message, string what, string path)
    {
        var name = code switch
        {
            (uint)SftpStatus.Eof => "end of file",
            (uint)SftpStatus.NoSuchFile => "no such file",
            (uint)SftpStatus.PermissionDenied => "permission denied",
            (uint)SftpStatus.Failure => "failure",
            (uint)SftpStatus.BadMessage => "bad message",
            (uint)SftpStatus.OpUnsupported => "operation not supported",
            _ => $"status {code}",
        };
        var detail = message.Length > 0 && !string.Equals(message, name, StringComparison.OrdinalIgnoreCase) ? $"{name}: {message}" : name;
        return new SftpStatusException($"cannot {what} {Printable(path)} on {_where} ({detail})", code);
    }

    private Exception UnexpectedReply(SftpReply reply, string what) =>
        Fail(new SftpProtocolException($"the SFTP server of {_where} answered a {what} request with a packet of type {reply.Type}"));

    /// <summary>Server text in a message: no control characters, at most 200 characters.</summary>
    private static string Printable(string s)
    {
        var clean = new string([.. s.Where(c => !char.IsControl(c))]);
        return clean.Length > 200 ? clean[..200] + "…" : clean;
    }
}
