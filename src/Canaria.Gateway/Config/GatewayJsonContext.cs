using System.Text.Json.Serialization;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Config;

/// <summary>
/// Every type the gateway reads or writes as JSON, with serialization code generated at build time: no reflection, so
/// the gateway runs as Native AOT too. Each use makes its own instance with its options (<see cref="GatewayConfigJson"/>,
/// the managed endpoints, the handover, the state file).
/// The config records' properties that have a default are <c>set</c>, not <c>init</c>: generated code sets every
/// init-only property in one object initializer, so one missing from the document would get null or 0 instead of its
/// default (dotnet/runtime#84484). Nothing changes a config after it is read; copies are made with <c>with</c>.
/// </summary>
[JsonSerializable(typeof(GatewayConfig))]
[JsonSerializable(typeof(IReadOnlyList<VersionSignals>))]
[JsonSerializable(typeof(AdminError))]
[JsonSerializable(typeof(ConfigApplyResult))]
[JsonSerializable(typeof(ManagedHealthReply))]
[JsonSerializable(typeof(GatewayTotalsReply))]
[JsonSerializable(typeof(MarkRequest))]
[JsonSerializable(typeof(GatewayMark))]
[JsonSerializable(typeof(ManagedGatewayInfo))]
[JsonSerializable(typeof(HandoverMessage))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
