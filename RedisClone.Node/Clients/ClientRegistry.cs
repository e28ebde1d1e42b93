using System.Collections.Concurrent;

namespace RedisClone.Node.Clients;

/// <summary>The connected clients, for CLIENT LIST/KILL, INFO clients and the maxclients limit.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private long _lastId;

    public int Count => _clients.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public void Add(ClientSession client) => _clients[client.Id] = client;

    public ClientSession? Find(long id) => _clients.GetValueOrDefault(id);

    public void Remove(ClientSession client) => _clients.TryRemove(client.Id, out _);

    public IEnumerable<ClientSession> All => _clients.Values.OrderBy(c => c.Id);
}
