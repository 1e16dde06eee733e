using System.Net.WebSockets;

namespace ProtocolBench;

/// <summary>Round trips (one text message out, its echo back) on <c>connections</c> WebSocket sessions, one at a time each.</summary>
internal sealed class WebSocketCaller(Uri address, int connections) : ICaller
{
    private static readonly byte[] Message = "hello from the bench"u8.ToArray();
    private readonly ClientWebSocket[] _sockets = [.. Enumerable.Range(0, connections).Select(_ => new ClientWebSocket())];
    private readonly byte[][] _buffers = [.. Enumerable.Range(0, connections).Select(_ => new byte[256])];

    public int Workers => connections;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        foreach (var socket in _sockets) await socket.ConnectAsync(address, cancellationToken);
    }

    public async ValueTask<bool> CallAsync(int worker, CancellationToken cancellationToken)
    {
        var socket = _sockets[worker];
        await socket.SendAsync(Message, WebSocketMessageType.Text, true, cancellationToken);
        var buffer = _buffers[worker];
        var read = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
        if (!read.EndOfMessage || read.Count < 3) throw new InvalidOperationException("unexpected echo");
        return buffer[0] == 'v' && buffer[1] == '2';
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
            }

            socket.Dispose();
        }
    }
}
