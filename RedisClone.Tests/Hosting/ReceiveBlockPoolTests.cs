using System.Buffers;
using RedisClone.Node.Hosting;

namespace RedisClone.Tests.Hosting;

public class ReceiveBlockPoolTests
{
    [Fact]
    public void Every_block_is_64_KB_whatever_is_asked()
    {
        using MemoryPool<byte> pool = new ReceiveBlockPool.Factory().Create();
        foreach (int asked in new[] { -1, 0, 1, 4096, ReceiveBlockPool.BlockSize - 1, ReceiveBlockPool.BlockSize })
        {
            using IMemoryOwner<byte> block = pool.Rent(asked);
            Assert.Equal(ReceiveBlockPool.BlockSize, block.Memory.Length);
        }
        Assert.Equal(ReceiveBlockPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void More_than_a_block_is_refused_so_the_pipe_takes_it_elsewhere()
    {
        using MemoryPool<byte> pool = new ReceiveBlockPool.Factory().Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReceiveBlockPool.BlockSize + 1));
    }

    [Fact]
    public void A_returned_block_is_lent_again_and_two_rented_blocks_never_share_memory()
    {
        using MemoryPool<byte> pool = new ReceiveBlockPool.Factory().Create();
        IMemoryOwner<byte> first = pool.Rent();
        IMemoryOwner<byte> second = pool.Rent();
        first.Memory.Span.Fill(1);
        second.Memory.Span.Fill(2);
        Assert.All(first.Memory.ToArray(), b => Assert.Equal(1, b));
        first.Dispose();
        IMemoryOwner<byte> again = pool.Rent();
        Assert.Same(first, again);
        Assert.All(second.Memory.ToArray(), b => Assert.Equal(2, b));
    }

    [Fact]
    public void At_most_MaxPooled_free_blocks_are_kept()
    {
        using MemoryPool<byte> pool = new ReceiveBlockPool.Factory().Create();
        var rented = Enumerable.Range(0, ReceiveBlockPool.MaxPooled + 10).Select(_ => pool.Rent()).ToList();
        foreach (IMemoryOwner<byte> block in rented)
        {
            block.Dispose();
        }
        var reused = new HashSet<IMemoryOwner<byte>>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < ReceiveBlockPool.MaxPooled + 10; i++)
        {
            reused.Add(pool.Rent());
        }
        Assert.Equal(ReceiveBlockPool.MaxPooled, reused.Count(b => rented.Contains(b)));
    }
}
