using System.Buffers;
using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Blocking;

/// <summary>
/// One client blocked on keys (BLPOP, BLMOVE, BLMPOP; the sorted-set BZPOP* plug in the same way). A command family
/// derives from it and says how to serve the client from a key that became ready and what a timeout answers. The
/// reply is written into the request's own buffer by whichever thread serves it (under the keyspace lock); the
/// blocked client's connection copies it out once <see cref="IsDone"/>, so no other thread touches its output.
/// </summary>
internal abstract class BlockedRequest : ClientWait
{
    private readonly ArrayBufferWriter<byte> _replyBuffer = new(64);
    private volatile bool _done;

    protected BlockedRequest(ClientSession client, Database db, byte[][] keys)
    {
        Client = client;
        Db = db;
        Keys = keys;
        Reply = new RespWriter { Protocol = client.Protocol };
        Reply.Attach(_replyBuffer);
    }

    public ClientSession Client { get; }

    /// <summary>The database the client was in when it blocked: its keys are in this one.</summary>
    public Database Db { get; }

    /// <summary>The keys waited on, in the order given (each at most once).</summary>
    public byte[][] Keys { get; }

    /// <summary>Environment.TickCount64 at which the wait ends; 0 waits forever.</summary>
    public long DeadlineTicks { get; internal set; }

    /// <summary>Where the serving thread writes the client's reply.</summary>
    public RespWriter Reply { get; }

    public override bool IsDone => _done;

    /// <summary>The reply, once <see cref="IsDone"/>.</summary>
    public ReadOnlySpan<byte> ReplyBytes => _replyBuffer.WrittenSpan;

    /// <summary>
    /// Serves the client from <paramref name="key"/> if the key holds what this request pops (writing the reply,
    /// changing the keyspace and firing the events as the command would); false when it cannot (empty, another type),
    /// and the client stays blocked.
    /// </summary>
    public abstract bool TryServe(Database db, byte[] key);

    /// <summary>What the command answers when its timeout passes (a null of the command's shape).</summary>
    public abstract void WriteTimeout(RespWriter reply);

    internal void MarkDone() => _done = true;
}
