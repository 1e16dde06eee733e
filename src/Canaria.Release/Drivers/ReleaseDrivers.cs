namespace Canaria.Release.Drivers;

/// <summary>The drivers one platform gives the release loop for one rollout.</summary>
internal sealed record ReleaseDrivers(IWorkloadDriver Workload, ITrafficDriver Traffic, IAnalysisDriver Analysis, IStatusStore Store, IEventSink Events);
