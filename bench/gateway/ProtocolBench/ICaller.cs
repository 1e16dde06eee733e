namespace ProtocolBench;

/// <summary>One kind of request a load run repeats: each worker calls one after the other.</summary>
internal interface ICaller : IAsyncDisposable
{
    int Workers { get; }

    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>One request on <paramref name="worker"/>'s connection; true when the backend named v2 answered.</summary>
    ValueTask<bool> CallAsync(int worker, CancellationToken cancellationToken);
}
