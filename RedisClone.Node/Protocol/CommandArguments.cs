using System.Runtime.CompilerServices;

namespace RedisClone.Node.Protocol;

/// <summary>
/// The arguments of one parsed command. Each argument points into the connection's receive buffer when it
/// lies in one segment, or into a scratch area when it had to be joined or unescaped. Valid until the
/// next command is parsed.
/// </summary>
internal sealed class CommandArguments
{
    private ReadOnlyMemory<byte>[] _items = new ReadOnlyMemory<byte>[8];

    // Arguments that are a whole array of their own (a big bulk received into it): a command may keep it as its value.
    private byte[]?[] _whole = new byte[]?[8];
    private int _wholeCount;
    private byte[] _scratch = [];
    private int _scratchUsed;

    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _items[index].Span;
    }

    public byte[] ToArray(int index) => _items[index].ToArray();

    public void Clear()
    {
        if (_wholeCount > 0)
        {
            // A big argument's array must not stay reachable from here once its command is done.
            Array.Clear(_items, 0, Count);
            Array.Clear(_whole, 0, Count);
            _wholeCount = 0;
        }
        Count = 0;
        _scratchUsed = 0;
        if (_scratch.Length > 1024 * 1024)
        {
            _scratch = []; // a one-off huge argument should not pin its memory to the connection
        }
    }

    /// <summary>Forgets arguments past <paramref name="count"/>, used when a partial parse is resumed.</summary>
    public void Truncate(int count) => Count = count;

    public void Add(ReadOnlyMemory<byte> value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
            Array.Resize(ref _whole, _items.Length);
        }
        _whole[Count] = null;
        _items[Count++] = value;
    }

    /// <summary>Adds an argument that is all of <paramref name="array"/>, which nothing else refers to.</summary>
    public void AddWhole(byte[] array)
    {
        Add(new ReadOnlyMemory<byte>(array)); // not Add(ReadOnlySpan), which copies
        _whole[Count - 1] = array;
        _wholeCount++;
    }

    /// <summary>
    /// The argument's own array, when it has one (<see cref="AddWhole"/>), for a command that stores it as a value
    /// instead of copying it (a 100 MB SET). The caller owns it from then on; the argument must not be used to write.
    /// </summary>
    public bool TryTakeWhole(int index, out byte[] array)
    {
        array = _whole[index]!;
        _whole[index] = null;
        return array is not null;
    }

    /// <summary>Copies the arguments parsed so far that point into the receive buffer, which is about to be released.</summary>
    public void DetachFromInput()
    {
        for (int i = 0; i < Count; i++)
        {
            if (_whole[i] is null)
            {
                ReadOnlyMemory<byte> source = _items[i];
                Memory<byte> copy = Rent(source.Length);
                source.Span.CopyTo(copy.Span);
                _items[i] = copy;
            }
        }
    }

    /// <summary>Reserves <paramref name="length"/> bytes of scratch space for an argument built by copying.</summary>
    public Memory<byte> Rent(int length)
    {
        if (_scratchUsed + length > _scratch.Length)
        {
            // Earlier arguments may point into the old scratch array; they keep it alive, so a new one is safe.
            _scratch = new byte[Math.Max(length, Math.Max(256, _scratch.Length * 2))];
            _scratchUsed = 0;
        }
        Memory<byte> slice = _scratch.AsMemory(_scratchUsed, length);
        _scratchUsed += length;
        return slice;
    }

    public void Add(ReadOnlySpan<byte> copyOf)
    {
        Memory<byte> target = Rent(copyOf.Length);
        copyOf.CopyTo(target.Span);
        Add(target);
    }

    /// <summary>Makes an independent copy, for commands queued by MULTI.</summary>
    public byte[][] Snapshot()
    {
        var copy = new byte[Count][];
        for (int i = 0; i < Count; i++)
        {
            copy[i] = _items[i].ToArray();
        }
        return copy;
    }

    public void Load(byte[][] args)
    {
        Count = 0;
        foreach (byte[] arg in args)
        {
            Add(arg);
        }
    }
}
