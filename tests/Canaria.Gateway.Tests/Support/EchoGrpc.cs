using System.Text;
using Grpc.Core;

namespace Canaria.Gateway.Tests.Support;

/// <summary>A tiny hand-written gRPC contract (no .proto): UTF-8 strings, one unary and one server-streaming method.</summary>
internal static class EchoGrpc
{
    public const string ServiceName = "canaria.test.Echo";

    private static readonly Marshaller<string> Text = Marshallers.Create(s => Encoding.UTF8.GetBytes(s), b => Encoding.UTF8.GetString(b));

    public static Method<string, string> Say { get; } = new(MethodType.Unary, ServiceName, "Say", Text, Text);

    public static Method<string, string> Count { get; } = new(MethodType.ServerStreaming, ServiceName, "Count", Text, Text);
}
