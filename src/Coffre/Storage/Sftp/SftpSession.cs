using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Coffre.Storage.Sftp;

/// <summary>One reply: its type and the packet after the request id (or after the type, for VERSION).</summary>
internal sealed record SftpReply(byte Type, byte[] Packet, int Offset)
{
    public ReadOnlySpan<byte> Body => Packet.AsSpan(Offset);
}

/// <summary>
/// One SFTP v3 conversation over an ssh child's stdin/stdout. Requests carry ids and any number may be in flight
/// from any thread: one reader task matches each reply to its request. Every length from the server is checked
/// before it is trusted, a reply to an id never sent or a malformed packet ends the session, and a server that
/// stays silent past the timeout is cut off: the caller gets one clear IOException, never a hang.
/// </summary>
internal sealed partial class SftpSession : IDisposable
{
    private readonly SshProcess _ssh;
    private readonly string _where;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<SftpReply>> _pending = new();
    private readonly TaskCompletionSource<SftpReply> _version = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private Exception? _failure;
    private int _nextId;
    private Task _reader = Task.CompletedTask;

    private SftpSession(SshProcess ssh, string where, TimeSpan timeout)
    {
        _ssh = ssh;
        _where = where;
        _timeout = timeout;
    }

    /// <summary>The extensions the server announced (name -> data).</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; private set; } = new Dictionary<string, string>();

    public bool IsBroken => Volatile.Read(ref _failure) is not null;

    // Set once the server greeted us: a connection lost after that is worth retrying (a new session); one that fails
    // before (a wrong key, an unknown host key, nothing listening) is not.
    private volatile bool _established;

    private IOException Lost(string message) => _established ? new TransientStorageException(message) : new IOException(message);

    /// <summary>Starts ssh and does the INIT/VERSION exchange.</summary>
    public static async Task<SftpSession> StartAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment,
        string where, TimeSpan timeout, CancellationToken ct)
    {
        var session = new SftpSession(SshProcess.Start(command, environment), where, timeout);
        try
        {
            session._reader = Task.Run(session.ReadLoopAsync, CancellationToken.None);
            await session.WritePacketAsync(new SftpPacketWriter(SftpProtocol.Init).WriteUInt32(SftpProtocol.Version).ToPacket(), ct).ConfigureAwait(false);
            var reply = await session.AwaitAsync(session._version.Task, ct).ConfigureAwait(false);
            session.ParseVersion(reply);
            session._established = true;
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private void ParseVersion(SftpReply reply)
    {
        var version = Parse(reply, (ref SftpPacketReader r) => r.ReadUInt32());
        if (version != SftpProtocol.Version)
            throw Fail(new SftpProtocolException($"the SFTP server of {_where} speaks version {version}, not 3"));
        Extensions = Parse(reply, (ref SftpPacketReader r) =>
        {
            r.ReadUInt32();
            var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
            while (r.Remaining > 0) extensions[r.ReadString()] = r.ReadString();
            return extensions;
        });
    }

    /// <summary>Sends one request (built by <paramref name="build"/> around its id) and waits for its reply.</summary>
    public async Task<SftpReply> RequestAsync(byte type, Action<SftpPacketWriter> build, CancellationToken ct, int capacity = 256)
    {
        ThrowIfBroken();
        var id = (uint)Interlocked.Increment(ref _nextId);
        var writer = new SftpPacketWriter(type, capacity).WriteUInt32(id);
        build(writer);
        var tcs = new TaskCompletionSource<SftpReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        // A session that broke between the check above and the registration: fail this request too.
        if (Volatile.Read(ref _failure) is { } failure) tcs.TrySetException(failure);
        else
        {
            try { await WritePacketAsync(writer.ToPacket(), ct).ConfigureAwait(false); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                _pending.TryRemove(id, out _); // cancelled before a byte was sent: no reply will come
                throw;
            }
        }
        // A cancelled request stays registered: its late reply is then expected, not taken for a stray id.
        return await AwaitAsync(tcs.Task, ct).ConfigureAwait(false);
    }

    private async Task<SftpReply> AwaitAsync(Task<SftpReply> reply, CancellationToken ct)
    {
        try
        {
            return await reply.WaitAsync(_timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Fail(Lost($"the SFTP server of {_where} did not answer within {_timeout.TotalSeconds:0} s: the connection was closed"));
        }
    }

    private async Task WritePacketAsync(ReadOnlyMemory<byte> packet, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfBroken();
            // Never cancelled half-way by the caller (that would corrupt the stream for every other request); a peer that
            // stops reading is cut off by the timeout, which kills ssh and ends this write.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            timeout.CancelAfter(_timeout);
            await _ssh.Input.WriteAsync(packet, timeout.Token).ConfigureAwait(false);
            await _ssh.Input.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException && !ct.IsCancellationRequested)
        {
            throw Fail(await ConnectionLostAsync().ConfigureAwait(false));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[4];
        var output = _ssh.Output;
        try
        {
            while (true)
            {
                if (!await ReadExactlyOrEndAsync(output, header).ConfigureAwait(false))
                {
                    Fail(await ConnectionLostAsync().ConfigureAwait(false));
                    return;
                }
                var length = BinaryPrimitives.ReadUInt32BigEndian(header);
                if (length < 1 || length > SftpProtocol.MaxIncomingPacket)
                {
                    Fail(new SftpProtocolException($"the SFTP server of {_where} sent a packet of {length} bytes (at most {SftpProtocol.MaxIncomingPacket} allowed): it is not an SFTP server or it is broken"));
                    return;
                }
                var packet = new byte[length];
                if (!await ReadExactlyOrEndAsync(output, packet).ConfigureAwait(false))
                {
                    Fail(new SftpProtocolException($"the SFTP server of {_where} closed the connection in the middle of a packet; {await _ssh.DescribeExitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false)}"));
                    return;
                }
                if (!Dispatch(packet)) return;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            Fail(await ConnectionLostAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Hands a packet to its waiting request; false when the packet broke the protocol (the session is failed).</summary>
    private bool Dispatch(byte[] packet)
    {
        var type = packet[0];
        if (!_version.Task.IsCompleted)
        {
            if (type != SftpProtocol.VersionReply)
            {
                Fail(new SftpProtocolException($"the SFTP server of {_where} answered the greeting with a packet of type {type}: it is not an SFTP server (is the sftp subsystem enabled in sshd_config?)"));
                return false;
            }
            _version.TrySetResult(new SftpReply(type, packet, 1));
            return true;
        }
        if (packet.Length < 5)
        {
            Fail(new SftpProtocolException($"the SFTP server of {_where} sent a packet of {packet.Length} bytes, too short for a reply"));
            return false;
        }
        var id = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(1));
        if (!_pending.TryRemove(id, out var tcs))
        {
            Fail(new SftpProtocolException($"the SFTP server of {_where} answered request {id}, which was never sent (or answered twice)"));
            return false;
        }
        tcs.TrySetResult(new SftpReply(type, packet, 5));
        return true;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream s, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReadAsync(buffer.AsMemory(read)).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    private async Task<Exception> ConnectionLostAsync()
    {
        if (Volatile.Read(ref _failure) is { } already) return already;
        return Lost($"the SFTP connection to {_where} was lost: {await _ssh.DescribeExitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false)}");
    }

    /// <summary>Ends the session for good (first failure wins): ssh killed, every waiting request failed with it.</summary>
    private Exception Fail(Exception failure)
    {
        var first = Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;
        _ssh.Kill();
        try { _closing.Cancel(); } catch (ObjectDisposedException) { }
        _version.TrySetException(first);
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var tcs)) tcs.TrySetException(first);
        return first;
    }

    private void ThrowIfBroken()
    {
        if (Volatile.Read(ref _failure) is { } f) throw f is SftpProtocolException ? new SftpProtocolException(f.Message, f) : new IOException(f.Message, f);
    }

    public void Dispose()
    {
        Fail(new ObjectDisposedException(nameof(SftpSession), $"the SFTP connection to {_where} was closed"));
        try { _reader.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _ssh.Dispose();
        _closing.Dispose();
        _writeLock.Dispose();
    }
}
