namespace Coffre.Storage.Rest;

/// <summary>
/// Cancels one request when the server makes no progress for <c>limit</c>: no connection, no answer, no byte sent
/// or received. A slow but moving transfer of a large pack is never cut; a server that stops answering is.
/// </summary>
internal sealed class StallGuard : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _caller;

    public StallGuard(TimeSpan limit, CancellationToken caller)
    {
        Limit = limit;
        _caller = caller;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _cts.CancelAfter(limit);
    }

    public TimeSpan Limit { get; }
    public CancellationToken Token => _cts.Token;

    /// <summary>True when the guard, not the caller, cancelled the request.</summary>
    public bool Stalled => _cts.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>Progress was made: the server has another full period.</summary>
    public void Kick()
    {
        try { _cts.CancelAfter(Limit); }
        catch (ObjectDisposedException) { }
    }

    public void Cancel()
    {
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _cts.Dispose();
}
