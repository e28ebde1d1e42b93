using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace RedisClone.Node.Hosting;

/// <summary>
/// Kestrel's memory pool with 64 KB blocks instead of 4 KB ones. Kestrel receives into one block per call, so a 100 MB
/// value took 25,600 receive calls; on this VM each system call is dear, and once the value's page faults were gone
/// (huge pages) those calls were the largest cost of a big SET. A block is rented only while bytes wait in a pipe, so
/// an idle connection holds none; at most <see cref="MaxPooled"/> free blocks are kept, the rest go back to the GC.
/// </summary>
internal sealed class ReceiveBlockPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;
    public const int MaxPooled = 256;

    private readonly ConcurrentQueue<Block> _free = new();
    private readonly Factory _factory;
    private int _pooled;

    private ReceiveBlockPool(Factory factory) => _factory = factory;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, "larger than a block");
        }
        if (_free.TryDequeue(out Block? block))
        {
            Interlocked.Decrement(ref _pooled);
            return block;
        }
        Interlocked.Increment(ref _factory.BlocksAllocated);
        return new Block(this);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private sealed class Block(ReceiveBlockPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public void Dispose() => pool.Return(this);
    }

    /// <summary>What Kestrel asks for its pools (one per listening transport).</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        /// <summary>Blocks allocated by every pool this factory made (a test sees that Kestrel really uses them).</summary>
        public long BlocksAllocated;

        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new ReceiveBlockPool(this);
    }
}
