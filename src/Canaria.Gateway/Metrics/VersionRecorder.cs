namespace Canaria.Gateway.Metrics;

/// <summary>
/// Golden signals of one service × version: a ring of 64 one-second slots (rolling windows up to 60 s)
/// plus totals since start for Prometheus. Recording is lock-free: a few Interlocked increments, and one
/// small allocation per second when a slot is renewed.
/// </summary>
internal sealed class VersionRecorder
{
    public const int MaxWindowSeconds = 60;

    /// <summary>Status classes counted in the totals (index = status / 100; 0 = anything else).</summary>
    public const int StatusClasses = 6;
    private const int SlotCount = 64;

    private readonly SignalSlot?[] _slots = new SignalSlot?[SlotCount];
    private readonly long[] _totalBuckets = new long[LatencyBuckets.Count];
    private readonly long[] _totalByClass = new long[StatusClasses];
    private readonly long[] _totalClientErrors = new long[ClientErrorKinds.Count];
    private long _totalMicros;
    private long _lastSecond;

    public VersionRecorder(string service, string version, long createdSecond)
    {
        Service = service;
        Version = version;
        CreatedSecond = createdSecond;
        _lastSecond = createdSecond;
    }

    public string Service { get; }

    public string Version { get; }

    public long CreatedSecond { get; }

    public long LastActivitySecond => Volatile.Read(ref _lastSecond);

    public void Record(int statusCode, long micros, long second)
    {
        var slot = SlotFor(second);
        var bucket = LatencyBuckets.IndexOf(micros);
        Interlocked.Increment(ref slot.Requests);
        Interlocked.Increment(ref slot.Buckets[bucket]);
        Interlocked.Increment(ref _totalBuckets[bucket]);
        Interlocked.Add(ref _totalMicros, micros);
        var statusClass = (uint)statusCode / 100;
        Interlocked.Increment(ref _totalByClass[statusClass < 6 ? statusClass : 0]);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref slot.Failures);
        }

        if (Volatile.Read(ref _lastSecond) != second)
        {
            Volatile.Write(ref _lastSecond, second);
        }
    }

    /// <summary>
    /// Counts a request the client broke. It is kept apart from <see cref="Record"/>: it adds to no status class,
    /// no latency bucket and no failure count, so <see cref="TotalForClass"/> over classes 0..5 stays the number of
    /// requests this version answered and class 5 its failures.
    /// </summary>
    public void RecordClientError(ClientErrorKind kind, long second)
    {
        var slot = SlotFor(second);
        Interlocked.Increment(ref slot.ClientErrors);
        Interlocked.Increment(ref _totalClientErrors[(int)kind]);
        if (Volatile.Read(ref _lastSecond) != second)
        {
            Volatile.Write(ref _lastSecond, second);
        }
    }

    /// <summary>Client errors in the slots of the last <paramref name="seconds"/> seconds, the current one included.</summary>
    public long SumClientErrors(long nowSecond, int seconds)
    {
        long total = 0;
        foreach (var slot in _slots)
        {
            if (slot is not null && slot.Second <= nowSecond && slot.Second > nowSecond - seconds)
            {
                total += Volatile.Read(ref slot.ClientErrors);
            }
        }

        return total;
    }

    /// <summary>Sums the slots of the last <paramref name="seconds"/> seconds, the current one included, into <paramref name="buckets"/>.</summary>
    public (long Requests, long Failures) Sum(long nowSecond, int seconds, Span<long> buckets)
    {
        long requests = 0, failures = 0;
        foreach (var slot in _slots)
        {
            if (slot is null || slot.Second > nowSecond || slot.Second <= nowSecond - seconds)
            {
                continue;
            }

            requests += Volatile.Read(ref slot.Requests);
            failures += Volatile.Read(ref slot.Failures);
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += Volatile.Read(ref slot.Buckets[i]);
            }
        }

        return (requests, failures);
    }

    public long TotalMicros => Volatile.Read(ref _totalMicros);

    /// <summary>Answers by status class since start (0 = outside 1xx..5xx); client errors are not in any class.</summary>
    public long TotalForClass(int statusClass) => Volatile.Read(ref _totalByClass[statusClass]);

    public long[] TotalClasses()
    {
        var classes = new long[_totalByClass.Length];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = Volatile.Read(ref _totalByClass[i]);
        }

        return classes;
    }

    /// <summary>Requests the client broke, of one kind, since start.</summary>
    public long TotalClientErrors(ClientErrorKind kind) => Volatile.Read(ref _totalClientErrors[(int)kind]);

    /// <summary>True once this recorder counted anything (an answer or a client error).</summary>
    public bool HasActivity
    {
        get
        {
            for (var c = 0; c < _totalByClass.Length; c++)
            {
                if (TotalForClass(c) > 0)
                {
                    return true;
                }
            }

            return ClientErrorKinds.All.Any(k => TotalClientErrors(k) > 0);
        }
    }

    public void CopyTotalBuckets(Span<long> buckets)
    {
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Volatile.Read(ref _totalBuckets[i]);
        }
    }

    private SignalSlot SlotFor(long second)
    {
        ref var cell = ref _slots[(int)(second & (SlotCount - 1))];
        var slot = Volatile.Read(ref cell);
        if (slot is not null && slot.Second == second)
        {
            return slot;
        }

        var fresh = new SignalSlot(second);
        var seen = Interlocked.CompareExchange(ref cell, fresh, slot);
        if (ReferenceEquals(seen, slot))
        {
            return fresh;
        }

        // Another thread renewed the slot first; use its slot if it is for this second.
        return seen is not null && seen.Second == second ? seen : fresh;
    }
}
