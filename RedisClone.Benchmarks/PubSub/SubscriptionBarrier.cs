namespace RedisClone.Benchmarks.PubSub;

/// <summary>Completes once every subscriber has had its SUBSCRIBE/PSUBSCRIBE confirmed by the server.</summary>
public sealed class SubscriptionBarrier(int expected)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _confirmed;

    public int Confirmed => Volatile.Read(ref _confirmed);

    public int Expected => expected;

    public Task AllConfirmed => expected == 0 ? Task.CompletedTask : _all.Task;

    public void Signal()
    {
        if (Interlocked.Increment(ref _confirmed) == expected)
        {
            _all.TrySetResult();
        }
    }
}
