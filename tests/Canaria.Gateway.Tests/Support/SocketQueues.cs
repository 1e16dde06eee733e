using System.Globalization;

namespace Canaria.Gateway.Tests.Support;

/// <summary>
/// The kernel's send and receive queues of local TCP sockets (/proc/net/tcp and tcp6): lets a test wait until the bytes
/// a client wrote have left its socket and the server process has read them all, instead of sleeping.
/// </summary>
internal static class SocketQueues
{
    /// <summary>Whether the connection from <paramref name="clientPort"/> to <paramref name="serverPort"/> has nothing queued on either end.</summary>
    public static bool Drained(int clientPort, int serverPort)
    {
        var seen = 0;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (local, remote) = (Port(fields[1]), Port(fields[2]));
                if (!(local == clientPort && remote == serverPort) && !(local == serverPort && remote == clientPort)) continue;
                seen++;
                var queues = fields[4].Split(':');
                if (long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != 0
                    || long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != 0)
                {
                    return false;
                }
            }
        }

        Assert.True(seen == 2, $"/proc/net/tcp lists {seen} ends of the connection {clientPort} -> {serverPort}, not 2");
        return true;
    }

    private static int Port(string address) => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
