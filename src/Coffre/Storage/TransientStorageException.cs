namespace Coffre.Storage;

/// <summary>
/// A storage failure that may go away when the same call is made again (a connection reset, a timeout, a 5xx
/// answer). The retrying decorator retries these, and only these, with backoff.
/// </summary>
public sealed class TransientStorageException : IOException
{
    public TransientStorageException() { }
    public TransientStorageException(string message) : base(message) { }
    public TransientStorageException(string message, Exception inner) : base(message, inner) { }
}
