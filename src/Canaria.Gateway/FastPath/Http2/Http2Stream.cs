using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Routing;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// One client stream and the upstream stream it is forwarded on. All of it is guarded by its client session's lock
/// (the upstream loop takes that lock before it touches a stream).
/// </summary>
internal sealed class Http2Stream(Http2ClientSession client, int clientId)
{
    public Http2ClientSession Client { get; } = client;

    public int ClientId { get; } = clientId;

    public Http2UpstreamSession? Upstream { get; set; }

    public int UpstreamId { get; set; }

    /// <summary>The upstream connection the response DATA came on: granted its window back as the client reads, even after the stream ended there.</summary>
    public Http2UpstreamSession? DataFrom { get; set; }

    /// <summary>The request's fields as received (kept until the response head came: a failover or a refused stream re-sends them).</summary>
    public HeaderList Request { get; } = new();

    /// <summary>Where the request's pseudo-header fields are in <see cref="Request"/> (-1: absent).</summary>
    public int MethodIndex { get; set; } = -1;

    public int PathIndex { get; set; } = -1;

    public int AuthorityIndex { get; set; } = -1;

    /// <summary>The routed service; null for a stream the Kestrel full path serves.</summary>
    public CompiledService? Service { get; set; }

    public CompiledVersion? Version { get; set; }

    public EndpointState? Endpoint { get; set; }

    public ResponseExtras Extras { get; set; }

    public bool Grpc { get; set; }

    public long Start { get; set; }

    /// <summary>Endpoints tried (a connect failure moves on to the version's next one).</summary>
    public int Attempts { get; set; }

    /// <summary>Times sent again on a new connection to the same endpoint (refused, or lost unanswered).</summary>
    public int Replays { get; set; }

    public ITimer? Deadline { get; set; }

    /// <summary>The client sent END_STREAM (or the stream was reset).</summary>
    public bool RequestEnded { get; set; }

    /// <summary>END_STREAM went upstream.</summary>
    public bool RequestForwardedEnd { get; set; }

    /// <summary>Some request DATA went upstream (a refused stream can then not be sent again).</summary>
    public bool RequestDataSent { get; set; }

    public bool ResponseStarted { get; set; }

    /// <summary>The upstream ended its response (END_STREAM) or the stream is gone upstream.</summary>
    public bool UpstreamDone { get; set; }

    /// <summary>END_STREAM (or RST_STREAM) went to the client: nothing more goes to it.</summary>
    public bool ResponseEnded { get; set; }

    public bool Closed { get; set; }

    public int Status { get; set; }

    public int? GrpcStatus { get; set; }

    /// <summary>The response head said <c>content-type: application/grpc…</c>: an end without <c>grpc-status</c> is UNKNOWN.</summary>
    public bool GrpcResponse { get; set; }

    public bool Recorded { get; set; }

    /// <summary>The endpoint's in-flight count includes this stream (ended once, when the attempt ends).</summary>
    public bool Counted { get; set; }

    public int ClientSendWindow { get; set; }

    public int ClientRecvWindow { get; set; } = Http2Wire.StreamWindow;

    public int ClientCredit { get; set; }

    public int UpstreamSendWindow { get; set; }

    public int UpstreamRecvWindow { get; set; } = Http2Wire.StreamWindow;

    public int UpstreamCredit { get; set; }

    /// <summary>Request DATA waiting for the upstream's window (or its connection).</summary>
    public ByteQueue ToUpstream;

    /// <summary>
    /// A copy of the request DATA already sent upstream, kept until the response head comes (at most a stream window;
    /// past that <see cref="SentOverflow"/>): a stream the upstream refuses (GOAWAY, REFUSED_STREAM) is sent again whole.
    /// </summary>
    public ByteQueue Sent;

    public bool SentOverflow { get; set; }

    /// <summary>Bytes at the front of <see cref="ToUpstream"/> that are a replayed copy: the client was granted them when they first went.</summary>
    public int ReplayCredited { get; set; }

    /// <summary>Response DATA waiting for the client's window.</summary>
    public ByteQueue ToClient;

    /// <summary>Trailers waiting behind <see cref="ToClient"/>; the response ends once they are sent.</summary>
    public HeaderList? PendingTrailers { get; set; }

    /// <summary>The response ends after <see cref="ToClient"/> (END_STREAM on the last DATA, no trailers).</summary>
    public bool EndAfterData { get; set; }

    public bool FullPath => Service is null;
}
