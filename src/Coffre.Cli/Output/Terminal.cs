namespace Coffre.Cli.Output;

/// <summary>Draws a status line that rewrites itself, only when stderr is a terminal.</summary>
internal sealed class StatusLine : IAsyncDisposable
{
    private readonly Func<string> _render;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _enabled;

    public StatusLine(Func<string> render, bool enabled)
    {
        _render = render;
        _enabled = enabled && !Console.IsErrorRedirected;
        _loop = _enabled ? LoopAsync() : Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                Draw();
                await Task.Delay(250, _stop.Token);
            }
        }
        catch (OperationCanceledException) { }
    }

    private void Draw()
    {
        var line = _render();
        var width = Math.Max(20, SafeWidth() - 1);
        if (line.Length > width) line = line[..width];
        Console.Error.Write("\r" + line.PadRight(width));
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_enabled) Console.Error.Write("\r" + new string(' ', Math.Max(20, SafeWidth() - 1)) + "\r");
        _stop.Dispose();
    }
}
