using ProtocolBench;

// Usage:
//   ProtocolBench backend <name> <grpc-port> <ws-port>     a gRPC echo (h2c) and a WebSocket echo (HTTP/1.1) answering "<name>"
//   ProtocolBench grpc <http://host:port> <connections> <streams-per-connection> <seconds>
//   ProtocolBench ws <ws://host:port/> <connections> <seconds>
// A load run prints one line: "requests=N errors=E rps=R p50_ms=X p99_ms=Y v2=V" (v2: answers from the backend named v2).
var inv = System.Globalization.CultureInfo.InvariantCulture;
switch (args.ElementAtOrDefault(0))
{
    case "backend" when args.Length == 4:
        await Backend.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv));
        return 0;
    case "grpc" when args.Length == 5:
        await using (var caller = new GrpcCaller(new Uri(args[1]), int.Parse(args[2], inv), int.Parse(args[3], inv)))
        {
            Console.WriteLine(await Load.RunAsync(caller, TimeSpan.FromSeconds(int.Parse(args[4], inv))));
        }

        return 0;
    case "ws" when args.Length == 4:
        await using (var caller = new WebSocketCaller(new Uri(args[1]), int.Parse(args[2], inv)))
        {
            Console.WriteLine(await Load.RunAsync(caller, TimeSpan.FromSeconds(int.Parse(args[3], inv))));
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: ProtocolBench backend <name> <grpc-port> <ws-port> | grpc <url> <connections> <streams> <seconds> | ws <url> <connections> <seconds>");
        return 2;
}
