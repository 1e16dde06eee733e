using System.Text.Json.Serialization;

namespace Canaria.Local.Processes;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReplicaRecord))]
internal sealed partial class ReplicaRecordJsonContext : JsonSerializerContext;
