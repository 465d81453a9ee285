using System.Net;
using System.Net.Sockets;

namespace Gateway.TestSupport;

/// <summary>
/// Free loopback ports for the gateways, silos and helper servers the tests start. A port is handed out at most once
/// per test process: two calls in a row could otherwise get the same port (the probe's listener is closed before the
/// port is used), which once made a gateway refuse to start with "GatewayPort and SiloPort are both 44899". Ports are
/// taken below the kernel's ephemeral range (32768 and up on Linux): a port the kernel hands out for port 0 could be
/// handed out again to the embedded PostgreSQL, which binds port 0 too, before the test binds it.
/// </summary>
public static class TestPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A loopback port that is free now and that this process has not handed out before.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port)) continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
            }
            catch (SocketException)
            {
                continue; // taken: try another
            }
            lock (HandedOut)
            {
                if (HandedOut.Add(port)) return port;
            }
        }
        throw new InvalidOperationException("No free loopback port between 20000 and 32000.");
    }
}
