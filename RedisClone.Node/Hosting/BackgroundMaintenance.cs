using RedisClone.Node.Clients;
using RedisClone.Node.Commands;
using RedisClone.Node.Delivery;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Hosting;

/// <summary>
/// Redis's serverCron, <c>hz</c> times a second: the active expiry sweep (so expired keys do not linger in memory),
/// the ops/sec sample and the idle-client timeout; once a second, <see cref="MemoryTrim"/>.
/// </summary>
internal sealed class BackgroundMaintenance : BackgroundService
{
    // Keys removed per database per tick before the lock is released for clients; the rest waits for the next tick.
    private const int ExpiryBudgetPerTick = 4096;

    private readonly NodeServer _server;
    private long _lastTrimCheckMs = Environment.TickCount64;

    public BackgroundMaintenance(NodeServer server) => _server = server;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000 / _server.Settings.Hz, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Tick();
        }
    }

    public void Tick()
    {
        Keyspace keyspace = _server.Keyspace;
        // Expired-key notifications of one tick wake each subscriber once, after the lock is released.
        using WakeBatch.Scope wakes = WakeBatch.Begin();
        for (int i = 0; i < keyspace.Count; i++)
        {
            lock (keyspace.Sync)
            {
                keyspace.UpdateClock();
                keyspace[i].ExpireDue(ExpiryBudgetPerTick);
            }
        }
        _server.Stats.Sample();
        _server.PubSub.EnforceSoftLimits(_server.Clients.All);
        CloseIdleClients();
        long now = Environment.TickCount64;
        if (now - _lastTrimCheckMs >= 1000)
        {
            _lastTrimCheckMs = now;
            _server.MemoryTrim.Check(_server.Stats.CommandsProcessed, _server.Stats.NetInputBytes, _server.Keyspace.Dirty);
        }
    }

    private void CloseIdleClients()
    {
        int timeout = _server.Settings.Timeout;
        if (timeout <= 0)
        {
            return;
        }
        long now = Environment.TickCount64;
        foreach (ClientSession client in _server.Clients.All)
        {
            // Like Redis, subscribers and blocked clients are never closed for being idle: waiting is what they do.
            if (client.SubscriptionCount == 0 && client.Blocked is null && now - client.LastInteraction > timeout * 1000L)
            {
                client.Kill();
            }
        }
    }
}
