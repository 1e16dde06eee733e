using System.Net;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Client;

/// <summary>A Kubernetes <c>Status</c> (the body of a failed call): HTTP code, machine reason, message.</summary>
public sealed record KubeStatus
{
    public int Code { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";

    public bool IsNotFound => Code == (int)HttpStatusCode.NotFound;
    public bool IsConflict => Code == (int)HttpStatusCode.Conflict;
    public bool IsGone => Code == (int)HttpStatusCode.Gone || Reason is "Expired" or "Gone";
    public bool IsInvalid => Code == (int)HttpStatusCode.UnprocessableEntity;
    public bool IsAlreadyExists => Reason == "AlreadyExists";

    public static KubeStatus FromNode(JsonNode? node, int fallbackCode)
    {
        if (node is JsonObject o && (string?)o["kind"] == "Status")
        {
            return new KubeStatus
            {
                Code = o["code"] is JsonValue c && c.TryGetValue<int>(out var code) ? code : fallbackCode,
                Reason = (string?)o["reason"] ?? "",
                Message = (string?)o["message"] ?? "",
            };
        }
        return new KubeStatus { Code = fallbackCode, Reason = "Unknown", Message = node?.ToJsonString() ?? "" };
    }

    public static KubeStatus Transport(string message) => new() { Code = 0, Reason = "Transport", Message = message };

    public override string ToString() => $"{Code} {Reason}: {Message}";
}

/// <summary>The result of one API call: a value, or the Status the server (or the transport) answered with.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "KubeResult<T>.Ok(v) reads as what it makes; the type argument is always spelled out")]
public sealed record KubeResult<T>
{
    public T? Value { get; init; }
    public KubeStatus? Error { get; init; }

    public bool IsSuccess => Error is null;

    public T ValueOrThrow() =>
        Error is null ? Value! : throw new InvalidOperationException($"Kubernetes API call failed: {Error}");

    public static KubeResult<T> Ok(T value) => new() { Value = value };
    public static KubeResult<T> Fail(KubeStatus error) => new() { Error = error };
}

/// <summary>One page of a list: the items, the list's resourceVersion, and the continue token if more follow.</summary>
public sealed record KubeList
{
    public IReadOnlyList<JsonObject> Items { get; init; } = [];
    public string ResourceVersion { get; init; } = "";
    public string? Continue { get; init; }
}
